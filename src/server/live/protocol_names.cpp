#include "server/live/protocol_names.hpp"

#include "protocol/control.hpp"

namespace visit::server {

std::string_view parse_error_name(protocol::parse_error e) {
  using protocol::parse_error;
  switch (e) {
    case parse_error::truncated:
      return "truncated";
    case parse_error::unknown_type:
      return "unknown_type";
    case parse_error::bad_flags:
      return "bad_flags";
    case parse_error::too_large:
      return "too_large";
    case parse_error::bad_size:
      return "bad_size";
    case parse_error::bad_json:
      return "bad_json";
    case parse_error::bad_tile:
      return "bad_tile";
    case parse_error::bad_value:
      return "bad_value";
  }
  return "unknown";
}

std::string_view message_type_name(protocol::message_type t) {
  using protocol::message_type;
  namespace ct = protocol::control_type;
  if (t == ct::control_request) return "control_request";
  if (t == ct::access_state) return "access_state";
  if (t == ct::clipboard) return "clipboard";
  if (t == ct::input) return "input";
  if (t == ct::paste_text) return "paste_text";
  switch (t) {
    case message_type::hello:
      return "hello";
    case message_type::close_reason:
      return "close_reason";
    case message_type::screen_info:
      return "screen_info";
    case message_type::viewers:
      return "viewers";
    case message_type::frame:
      return "frame";
    case message_type::frame_ack:
      return "frame_ack";
    case message_type::cursor_shape:
      return "cursor_shape";
    case message_type::cursor_position:
      return "cursor_position";
  }
  return "unknown";
}

}  // namespace visit::server
