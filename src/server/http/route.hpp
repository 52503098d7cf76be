// The route table: every request target the server answers, and nothing else (deny by
// default, docs/security.md). Pure functions, no I/O.
#pragma once
#include <functional>
#include <string>
#include <string_view>

namespace visit::server {

enum class route_kind {
  static_file,         // GET of an embedded console file; `asset` names it ("/" -> "/index.html")
  login,               // POST /api/login
  logout,              // POST /api/logout
  me,                  // GET /api/me
  me_password,         // POST /api/me/password
  me_totp_setup,       // POST /api/me/totp/setup
  me_totp_enable,      // POST /api/me/totp/enable
  me_totp_disable,     // POST /api/me/totp/disable
  admin_users,         // GET or POST /api/admin/users
  admin_user,          // POST /api/admin/users/{username}; `username` set
  ws_customer,         // GET /ws/customer (WebSocket upgrade)
  ws_view,             // GET /ws/view/{request_id} (WebSocket upgrade); `request_id` set
  ws_console,          // GET /ws/console (WebSocket upgrade): the Call Manager feed
  front_door,          // §8.1 queue/wizard rows and §8.2: `action` names the handler
  method_not_allowed,  // a known path with another method
  not_found,           // everything else, including every path not in canonical form
  bad_request,         // not an origin-form target, or percent-encoding anywhere in the path
};

struct route_match {
  route_kind kind = route_kind::not_found;
  std::string asset;       // for static_file
  std::string request_id;  // for ws_view: 32 lowercase hex
  std::string username;    // for admin_user: a valid username (no '@': not in canonical paths)
  std::string_view allow;  // for method_not_allowed: the Allow header value
  // For front_door: one of list, get, take, transfer, invite, notes, resolve, reopen,
  // codes_list, codes_create, queues_list, queues_create, queue_update, wizard_get,
  // wizard_set; `name` holds a queue name for queue_update.
  std::string action;
  std::string name;
};

// The path part of `target` when it is in canonical form, else empty:
//  - origin-form ("/..."), at most 1024 bytes; a query ("?...") is split off and ignored;
//  - only the bytes A-Z a-z 0-9 - . _ ~ / (so no '%', ';', '\', ':', '@', NUL, spaces);
//  - no empty segment ("//", a trailing '/' except for "/" itself), no segment that starts
//    with '.' (so no "." or ".." and no hidden files).
// Sets `bad` when the target is not origin-form or contains '%' or '#' (answered 400).
std::string canonical_path(std::string_view target, bool& bad);

// Routes one request. `asset_exists` tells whether an embedded console file has this path.
route_match route_request(std::string_view method, std::string_view target,
                          const std::function<bool(std::string_view)>& asset_exists);

std::string_view to_string(route_kind k);

}  // namespace visit::server
