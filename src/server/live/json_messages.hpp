// The JSON payloads the server reads and writes (docs/protocol.md §3). Readers validate every
// field against §7 and return a parse_error; writers escape every string (Boost.JSON).
// Thread-safety: pure functions.
#pragma once
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.hpp"
#include "protocol/screen_info.hpp"
#include "server/live/customer_sink.hpp"

namespace visit::server {

struct customer_hello {
  std::string name;         // optional (the name now comes with support_request): 1..128 bytes
  std::string description;  // optional, 0..2048 bytes of UTF-8
  std::string client;       // informational, <= 128 bytes; may be empty
  std::optional<std::string> code;  // a session code as typed, <= 32 bytes (§3.5)
  std::string resume_id;            // "resume": {"request_id", "token"} (32 hex each) or empty
  std::string resume_token;
};

// A customer's hello (§3.1). Errors: version_mismatch is reported as `wrong_version` = true
// with a value (the caller answers close_reason version_mismatch); bad_json when not a JSON
// object; bad_value when role is not "customer" or a member is not a string or out of bounds.
struct customer_hello_result {
  bool wrong_version = false;
  customer_hello hello;
};
boost::system::result<customer_hello_result> parse_customer_hello(
    std::span<const std::uint8_t> payload);

// The screen size and the optional scope (protocol/screen_info.hpp): the hub keeps it and
// re-serialises it canonically for every viewer, scope included.
using screen_size = protocol::screen_info;
using protocol::parse_screen_info;
using protocol::screen_info_json;
using protocol::screen_monitor;

// A viewer's optional hello: a JSON object whose "protocol", when present, is 1.
boost::system::error_code check_viewer_hello(std::span<const std::uint8_t> payload);

// Why a customer's access changed (§3.3 `reason`), as visit-client sends it.
enum class access_reason {
  initial,           // every connection starts Read-Only
  requested,         // a technician asked for control
  granted,           // the customer granted Full-Access
  revoked,           // the customer took it back
  mouse_precedence,  // the customer's own mouse took over
  paused,            // the customer paused the technician's input
  resumed,           // the pause ended
  disconnect,        // the controller left
  timeout,           // a request was not answered in time
};
std::string_view to_string(access_reason r);
// The reason named by `word` (exact); nullopt for any other word.
std::optional<access_reason> parse_access_reason(std::string_view word);

// A customer's access_state (§3.3): mode "read_only" | "full_access", controller null exactly
// when read_only, else {"id": technician id, "name": 1..128 bytes}, reason a string,
// paused_ms (optional) 1..600000, released (optional) {"keys": 0..65535, "buttons": 0..65535}.
// Unknown members are ignored. Error: bad_value.
struct access_state_info {
  bool full_access = false;
  std::string controller_id;    // empty when read_only
  std::string controller_name;  // empty when read_only
  std::string reason;           // as sent (a newer client may send a word this one lacks)
  std::optional<access_reason> known_reason;  // `reason` parsed; nullopt for an unknown word
  std::int64_t paused_ms = 0;                 // 0 when absent
  bool has_released = false;
  std::int64_t released_keys = 0;
  std::int64_t released_buttons = 0;
};
boost::system::result<access_state_info> parse_access_state(std::span<const std::uint8_t> payload);
// {"mode":"read_only","controller":null,"reason": reason}
std::string read_only_access_state_json(access_reason reason);
// {"technician":{"id": id,"name": name}}: a viewer's control_request as the customer gets it.
std::string control_request_json(std::string_view technician_id, std::string_view name);

std::string server_hello_for_customer(std::string_view request_id);  // protocol, request_id, credit
// The front-door hello (§3.1): protocol, credit, access_control, wizard (the definition's JSON
// text, inserted as it is stored), wizard_version, and paired_with when a code paired.
std::string server_hello_for_customer(std::string_view wizard_json, std::int64_t wizard_version,
                                      std::string_view paired_id, std::string_view paired_name);
// request_filed (§3.4).
std::string request_filed_json(std::string_view request_id, std::string_view queue,
                               std::string_view technician, std::string_view resume_token);
std::string server_hello_for_viewer(std::string_view request_id, std::string_view name,
                                    std::string_view description);
// {"count": N, "technicians": [{"id","name"}, ...]}
std::string viewers_json(const viewers_info& info);
std::string close_reason_json(protocol::close_code code, std::string_view message);

}  // namespace visit::server
