// Files a customer's support_request (docs/protocol.md §3.4), the step between the customer's
// hello and request_filed: validates the payload against the wizard definition version it
// names (visit_wizard), routes it (a session code's technician, else the wizard's queue when
// that queue exists, else "general"), resumes the request named by the hello's resume
// credentials when they match and it is not resolved (an abandoned one is reopened), or else
// stores a new request with a fresh resume token; then builds the request_filed payload.
//
// No sockets and no Beast: a plain function of the store, testable alone.
// Thread: any (the store guards itself). Ownership: keeps nothing.
// Failure: an intake_refusal, which is what the customer is told (close code and message) and
// the name for the protocol_error log line; a refused request leaves the store as it was.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>

#include "protocol/message.hpp"

namespace visit::server {

class store;

// What the customer's hello established.
struct intake_context {
  std::string paired_technician;  // a session code paired this customer: queue "direct"
  std::string resume_id;          // hello's resume credentials, or empty for none
  std::string resume_token;
};

struct filed_request {
  std::string id;
  std::string name;     // of the resumed request when resumed
  std::string summary;  // likewise
  std::string queue;
  std::optional<std::string> technician;
  bool resumed = false;
  std::string request_filed_json;  // the request_filed payload (resume token included)
};

struct intake_refusal {
  protocol::close_code code = protocol::close_code::invalid_request;
  std::string what;     // log name: "invalid_request" or "store_error"
  std::string message;  // the close_reason message; at most 1000 bytes + "..."
};

using intake_result = std::variant<filed_request, intake_refusal>;

// `payload` is the support_request's JSON text as received (parse_message checked only that
// it is a JSON object); `now` is the Unix time the request is filed at.
intake_result file_support_request(store& db, std::string_view payload,
                                   const intake_context& context, std::int64_t now);

}  // namespace visit::server
