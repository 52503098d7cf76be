// The front-door HTTP API (docs/protocol.md §8.2 and the queue and wizard rows of §8.1):
// support requests (list, details, take, transfer, invite, notes, resolve, reopen), session
// codes, queues and the wizard definition. No Beast here: http_session checks, before the
// call, the CSRF token and Origin of every POST (route_match::changes_state), passes the
// login session it found, and this file answers 401 when there is none.
//
// Who may do what (§8.2): roles rank technician < senior < admin. *May see* a request: its
// queue's min_role is at most the technician's role, or it is assigned to them, or they were
// invited. *Given* (may open /ws/view): in_session and they took it, were invited, or are
// senior/admin. Owner-or-senior actions: transfer, invite, resolve, reopen. A request the
// technician may not see is 404, like an unknown id.
// Thread-safety: plain functions over shared_state (which guards itself).
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <string>
#include <string_view>

#include "server/auth/login_sessions.hpp"
#include "server/auth/roles.hpp"
#include "server/http/route.hpp"
#include "server/store/store.hpp"

namespace visit::server {

class shared_state;

struct front_door_call {
  const route_match* route = nullptr;  // kind front_door
  std::string_view body;               // JSON for POSTs (may be empty)
  login_sessions::session session;     // from the login cookie, found by the caller
  std::string address;                 // client IP, for logs
};

struct front_door_reply {
  unsigned status = 200;
  std::string body;  // JSON; empty for 204
};

front_door_reply handle_front_door(shared_state& state, const front_door_call& call);

bool may_see(store& db, const support_request_record& r, std::string_view user,
             technician_role role);
bool is_given(store& db, const support_request_record& r, std::string_view user,
              technician_role role);
// SUMMARY of §3.6 (plus "notes": count).
boost::json::object request_summary(const support_request_record& r, bool online,
                                    std::size_t viewers, std::int64_t notes);

}  // namespace visit::server
