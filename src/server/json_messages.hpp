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

#include "protocol/message.hpp"

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

struct screen_size {
  int width = 0;
  int height = 0;
};
// {"width": 1..8192, "height": 1..8192, "cell": 64}; errors bad_json / bad_value.
boost::system::result<screen_size> parse_screen_info(std::span<const std::uint8_t> payload);

// A viewer's optional hello: a JSON object whose "protocol", when present, is 1.
boost::system::error_code check_viewer_hello(std::span<const std::uint8_t> payload);

// A customer's access_state (§3.3): mode "read_only" | "full_access", controller null exactly
// when read_only, else {"id": technician id, "name": 1..128 bytes}, reason a string,
// paused_ms (optional) 1..600000. Unknown members are ignored. Error: bad_value.
struct access_state_info {
  bool full_access = false;
  std::string controller_id;  // empty when read_only
};
boost::system::result<access_state_info> parse_access_state(std::span<const std::uint8_t> payload);
// {"mode":"read_only","controller":null,"reason": reason}
std::string read_only_access_state_json(std::string_view reason);
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
std::string screen_info_json(screen_size s);
std::string viewers_json(std::size_t count);
std::string close_reason_json(protocol::close_code code, std::string_view message);

}  // namespace visit::server
