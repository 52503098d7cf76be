// The table of message types (docs/protocol.md §3, §7) and the close reasons (§6).
#include "protocol/message_types.hpp"

#include <array>
#include <initializer_list>

#include "protocol/control.hpp"
#include "protocol/message.hpp"

namespace visit::protocol {
namespace {

constexpr std::uint8_t legs(std::initializer_list<route> list) {
  std::uint8_t bits = 0;
  for (const route r : list) bits = static_cast<std::uint8_t>(bits | static_cast<std::uint8_t>(r));
  return bits;
}

using enum route;
using g = message_group;
using p = payload_kind;
constexpr std::uint8_t customer_and_viewer =
    legs({customer_to_server, server_to_customer, viewer_to_server, server_to_viewer});
constexpr std::uint8_t customer_to_viewer = legs({customer_to_server, server_to_viewer});
constexpr std::uint8_t viewer_to_customer = legs({viewer_to_server, server_to_customer});

// The switch has no default, so a type added to the enum without a row here does not compile
// (-Wswitch, warnings are errors); numbers that are no enumerator fall through to "no type".
constexpr message_info describe(message_type t) {
  switch (t) {
    case message_type::hello:
      return {"hello", g::session, p::json, max_hello_bytes, customer_and_viewer};
    case message_type::close_reason:
      return {"close_reason", g::session, p::json, 4u << 10, customer_and_viewer};
    case message_type::screen_info:
      return {"screen_info", g::session, p::json, 1u << 10, customer_to_viewer};
    case message_type::viewers:
      // Up to 16 technicians with escaped names.
      return {"viewers", g::session, p::json, 16u << 10, legs({server_to_customer})};
    case message_type::support_request:
      return {"support_request", g::front_door, p::json, max_support_request_bytes,
              legs({customer_to_server})};
    case message_type::request_filed:
      return {"request_filed", g::front_door, p::json, max_request_filed_bytes,
              legs({server_to_customer})};
    case message_type::frame:
      return {"frame", g::screen, p::binary, max_frame_payload, customer_to_viewer};
    case message_type::frame_ack:
      return {"frame_ack", g::screen, p::fixed_size, frame_ack_size, viewer_to_customer};
    case message_type::cursor_shape:
      return {
          "cursor_shape", g::screen, p::binary,
          cursor_shape_header_size + std::size_t{max_cursor_dimension} * max_cursor_dimension * 4,
          customer_to_viewer};
    case message_type::cursor_position:
      return {"cursor_position", g::screen, p::fixed_size, cursor_position_size,
              customer_to_viewer};
    case message_type::control_request:
      return {"control_request", g::access_control, p::json, control_json_limit,
              viewer_to_customer};
    case message_type::access_state:
      return {"access_state", g::access_control, p::json, control_json_limit, customer_to_viewer};
    case message_type::clipboard:
      return {"clipboard", g::access_control, p::binary, max_from_prefix + max_clipboard_bytes,
              customer_and_viewer};
    case message_type::input:
      return {"input", g::access_control, p::binary,
              max_from_prefix + 2 + max_input_events * input_event_size, viewer_to_customer};
    case message_type::paste_text:
      return {"paste_text", g::access_control, p::binary, max_from_prefix + max_paste_bytes,
              viewer_to_customer};
    case message_type::console_event:
      return {"console_event", g::console, p::json, max_console_event_bytes,
              legs({server_to_console})};
  }
  return {};
}

// Indexed by the type byte: O(1) for parse_message, which asks for every message.
constexpr auto table = [] {
  std::array<message_info, 256> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = describe(static_cast<message_type>(i));
  return a;
}();

constexpr std::array<std::string_view, 12> close_code_names = {
    "protocol_error",   "version_mismatch", "too_large",       "unauthorized",
    "forbidden_origin", "not_found",        "server_shutdown", "customer_left",
    "replaced",         "code_refused",     "invalid_request", "resolved",
};
static_assert(close_code_names.size() == static_cast<std::size_t>(close_code::resolved) + 1);

}  // namespace

const message_info& message_info_of(std::uint8_t type) {
  return table[type];
}

bool is_known_type(std::uint8_t type) {
  return !table[type].name.empty();
}

std::size_t max_payload_size(message_type type) {
  return message_info_of(type).limit;
}

bool is_json_type(message_type type) {
  const message_info& i = message_info_of(type);
  return !i.name.empty() && i.payload == payload_kind::json;
}

bool travels(message_type type, route leg) {
  return (message_info_of(type).routes & static_cast<std::uint8_t>(leg)) != 0;
}

bool is_control_type(message_type type) {
  const message_info& i = message_info_of(type);
  return !i.name.empty() && i.group == message_group::access_control;
}

bool is_request_type(message_type type) {
  const message_info& i = message_info_of(type);
  return !i.name.empty() &&
         (i.group == message_group::front_door || i.group == message_group::console);
}

std::string_view to_string(message_type type) {
  const message_info& i = message_info_of(type);
  return i.name.empty() ? std::string_view("unknown") : i.name;
}

std::string_view to_string(close_code c) {
  const auto i = static_cast<std::size_t>(c);
  return i < close_code_names.size() ? close_code_names[i] : std::string_view("protocol_error");
}

std::optional<close_code> close_code_from_string(std::string_view s) {
  for (std::size_t i = 0; i < close_code_names.size(); ++i) {
    if (close_code_names[i] == s) return static_cast<close_code>(i);
  }
  return std::nullopt;
}

}  // namespace visit::protocol
