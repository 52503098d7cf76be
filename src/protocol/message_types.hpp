// The numbers of protocol version 1: message types and close reasons, each one enum, the
// numbers in this file only (docs/protocol.md §3, §6). What else the protocol says about a
// type — its name, payload kind, limit and who sends it to whom — is one table derived from
// this enum (message_types.cpp, read through message_info()); web/js/protocol.js mirrors the
// numbers and limits, and tests/fixtures/protocol/message_types.txt proves it.
// Thread-safety: all functions are pure; no shared state.
#pragma once
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string_view>

namespace visit::protocol {

enum class message_type : std::uint8_t {
  // Session (§3.1 handshake)
  hello = 0x01,         // §3.1: both ways, JSON
  close_reason = 0x02,  // §6: both ways, JSON {"code", "message"}
  screen_info = 0x03,   // §3.1 step 4, §3.7, §3.8: customer->server->viewer, JSON
  viewers = 0x04,       // §3.1 step 5: server->customer, JSON
  // Front door (§3.4, §3.6)
  support_request = 0x05,  // §3.4: customer->server, once, after hello
  request_filed = 0x06,    // §3.4: server->customer, answers it
  // Screen (§3.2, §4, §5)
  frame = 0x10,            // §4: customer->server->viewer, binary tiles
  frame_ack = 0x11,        // §3.2: viewer->server, server->customer, u32
  cursor_shape = 0x12,     // §5: customer->server->viewer, binary
  cursor_position = 0x13,  // §3: customer->server->viewer, 6 bytes
  // Access control (§3.3, §9)
  control_request = 0x20,  // §3.3: viewer->server->customer, JSON
  access_state = 0x21,     // §3.3: customer->server->viewer, JSON
  clipboard = 0x22,        // §9.4: both ways through the server, from prefix + UTF-8 text
  input = 0x23,            // §9.2: viewer->server->customer, from prefix + input events
  paste_text = 0x24,       // §9.3: viewer->server->customer, from prefix + UTF-8 text
  // Call Manager feed (§3.6)
  console_event = 0x30,  // §3.6: server->console on /ws/console, JSON
};

// Older spellings by section (control_type::input, request_type::request_filed) for code that
// has not moved to message_type::x yet. They name the same enumerators: no number is here.
namespace control_type {
using enum message_type;
}
namespace request_type {
using enum message_type;
}

// The sections of §3 a type belongs to.
enum class message_group : std::uint8_t { session, front_door, screen, access_control, console };

// What a payload is: a JSON object (valid UTF-8, checked by parse_message), binary of bounded
// size, or binary of exactly `limit` bytes.
enum class payload_kind : std::uint8_t { json, binary, fixed_size };

// One leg a type may travel (the "direction" column of §3); message_info::routes holds them as
// bits.
enum class route : std::uint8_t {
  customer_to_server = 1u << 0,
  server_to_customer = 1u << 1,
  viewer_to_server = 1u << 2,
  server_to_viewer = 1u << 3,
  server_to_console = 1u << 4,
};

struct message_info {
  std::string_view name;  // as in §3 and in log lines; empty: not a type of version 1
  message_group group = message_group::session;
  payload_kind payload = payload_kind::binary;
  std::size_t limit = 0;    // payload limit (§3, §7); the exact size for fixed_size
  std::uint8_t routes = 0;  // bits of `route`
};

// The table entry of `type`; an entry with an empty name for numbers that are not types.
const message_info& message_info_of(std::uint8_t type);
inline const message_info& message_info_of(message_type type) {
  return message_info_of(static_cast<std::uint8_t>(type));
}

// Is `type` a message type of version 1?
bool is_known_type(std::uint8_t type);
// The payload limit of a type (section 3 of protocol.md); for fixed-size types the exact size.
std::size_t max_payload_size(message_type type);
bool is_json_type(message_type type);
// May `type` travel along `leg`?
bool travels(message_type type, route leg);
// The access-control types of §3.3 (0x20..0x24)?
bool is_control_type(message_type type);
// The front-door types of §3.4 and §3.6 (support_request, request_filed, console_event)?
bool is_request_type(message_type type);
// The type's name ("frame_ack"), or "unknown" for a number that is not a type.
std::string_view to_string(message_type type);

// Close reasons (§6), sent as their to_string() text in close_reason's "code"; the console's
// CloseCode (web/js/protocol.js) is the same list.
enum class close_code {
  protocol_error,
  version_mismatch,
  too_large,
  unauthorized,
  forbidden_origin,
  not_found,
  server_shutdown,
  customer_left,
  replaced,
  code_refused,     // §3.5: a session code that is unknown, expired, used, or over its budget
  invalid_request,  // §3.4: a support_request that breaks the wizard definition
  resolved,         // a technician resolved the request: the session ends
};
std::string_view to_string(close_code c);
// The enum value named by a close_reason `code` string, or nullopt for an unknown string.
std::optional<close_code> close_code_from_string(std::string_view s);

}  // namespace visit::protocol
