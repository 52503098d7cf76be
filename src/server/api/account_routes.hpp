// The account rows of the HTTP API (docs/protocol.md §8.1): login (with the TOTP second
// factor), /api/me, /api/me/password, /api/me/totp/{setup,enable,disable} and
// /api/admin/users[/{username}]. Plain C++: http_session.cpp turns a Beast request into an
// api_call and the api_reply back into a response, so no Beast template lives here.
// Threading: handle_account_route may block (Argon2id, SQLite); http_session runs the POSTs
// on the auth thread (runs_on_auth_thread) and the GETs inline.
// CSRF: http_session has checked the X-CSRF-Token and Origin of every state change of a
// logged-in session before the call (route_match::changes_state); only /api/login, which has
// no session yet, checks its Origin here (after its Content-Type, as it always has).
#pragma once
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/auth/login_sessions.hpp"
#include "server/http/route.hpp"

namespace visit::server {

class shared_state;

struct api_call {
  std::string method;  // "GET" or "POST"
  route_kind kind = route_kind::not_found;
  std::string target_user;    // admin_user: the {username} of the path
  std::string body;           // wiped by the handler once parsed (it may hold passwords)
  bool json_content = false;  // Content-Type is application/json
  bool origin_ok = false;     // no Origin header, or the server's own origin (login)
  std::optional<login_sessions::session> session;  // from the login cookie
  std::string peer;                                // "ip:port", for logs
  std::string ip;                                  // for throttling
};

struct api_reply {
  unsigned status = 200;
  std::string body;                                          // JSON, or empty for 204
  std::vector<std::pair<std::string, std::string>> headers;  // e.g. Set-Cookie, Retry-After
};

// True for the route kinds this file answers.
bool is_account_route(route_kind k);
// True when the call may do Argon2id work (every POST).
bool runs_on_auth_thread(const api_call& call);

api_reply handle_account_route(shared_state& state, api_call& call);

}  // namespace visit::server
