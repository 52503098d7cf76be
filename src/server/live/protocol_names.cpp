#include "server/live/protocol_names.hpp"

#include "protocol/message_types.hpp"

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
  return protocol::to_string(t);
}

}  // namespace visit::server
