// The route table: every request target the server answers, and nothing else (deny by
// default, docs/security.md). Pure functions, no I/O.
#pragma once
#include <functional>
#include <optional>
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

// What a front-door route does (§8.1 queue and wizard rows, §8.2); the handler in
// request_routes.cpp dispatches on it. Its word is only for logs and tests.
enum class front_door_action {
  list,           // GET /api/requests
  get,            // GET /api/requests/{id}
  take,           // POST /api/requests/{id}/take
  transfer,       // POST /api/requests/{id}/transfer
  invite,         // POST /api/requests/{id}/invite
  notes,          // POST /api/requests/{id}/notes
  resolve,        // POST /api/requests/{id}/resolve
  reopen,         // POST /api/requests/{id}/reopen
  codes_list,     // GET /api/codes
  codes_create,   // POST /api/codes
  queues_list,    // GET /api/admin/queues
  queues_create,  // POST /api/admin/queues
  queue_update,   // POST /api/admin/queues/{name}
  wizard_get,     // GET /api/admin/wizard
  wizard_set,     // POST /api/admin/wizard
};

std::string_view to_string(front_door_action a);
// The action named by `word` (exact); nullopt for anything else.
std::optional<front_door_action> parse_front_door_action(std::string_view word);
// The queue and wizard rows: admins only.
bool is_admin_action(front_door_action a);

struct route_match {
  route_kind kind = route_kind::not_found;
  std::string asset;       // for static_file
  std::string request_id;  // for ws_view: 32 lowercase hex
  std::string username;    // for admin_user: a valid username (no '@': not in canonical paths)
  std::string_view allow;  // for method_not_allowed: the Allow header value
  // For front_door: what to do, and its word (to_string(what), for logs and tests); `name`
  // holds a queue name for queue_update.
  front_door_action what = front_door_action::list;
  std::string action;
  std::string name;
  // A state change that a logged-in session makes: every POST but /api/login (which has no
  // session yet). http_session checks the session's CSRF token and the Origin of these before
  // any handler runs (docs/security.md, T4).
  bool changes_state = false;
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
