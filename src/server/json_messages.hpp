// The JSON payloads the server reads and writes (docs/protocol.md §3). Readers validate every
// field against §7 and return a parse_error; writers escape every string (Boost.JSON).
// Thread-safety: pure functions.
#pragma once
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.hpp"

namespace visit::server {

struct customer_hello {
  std::string name;         // 1..128 bytes of UTF-8
  std::string description;  // 0..2048 bytes of UTF-8
  std::string client;       // informational, <= 128 bytes; may be empty
};

// A customer's hello. Errors: version_mismatch is reported as `wrong_version` = true with a
// value (the caller answers close_reason version_mismatch); bad_json when not a JSON object;
// bad_value when role is not "customer" or a string is missing, not a string, or out of bounds.
struct customer_hello_result {
  bool wrong_version = false;
  customer_hello hello;
};
boost::system::result<customer_hello_result> parse_customer_hello(
    std::span<const std::uint8_t> payload);

// One monitor of the customer's screen (protocol.md §3.7), inside the screen.
struct screen_monitor {
  int x = 0, y = 0, width = 0, height = 0;
  bool primary = false;
  bool operator==(const screen_monitor&) const = default;
};
struct screen_size {
  int width = 0;
  int height = 0;
  std::vector<screen_monitor> monitors{};  // empty: one monitor, the whole screen
};
// {"width": 1..8192, "height": 1..8192, "cell": 64, "monitors"?: [...]}; errors bad_json /
// bad_value (a monitor outside the screen, more than protocol::max_monitors).
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
std::string server_hello_for_viewer(std::string_view request_id, std::string_view name,
                                    std::string_view description);
std::string screen_info_json(screen_size s);
std::string viewers_json(std::size_t count);
std::string close_reason_json(protocol::close_code code, std::string_view message);

}  // namespace visit::server
