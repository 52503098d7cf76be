#include "input/input_injector.hpp"
#include "input/local_input_monitor.hpp"
#include "protocol/key_table.hpp"

namespace visit::input {

input_error input_injector::key(std::string_view code, bool pressed) {
  // An unknown code goes on as key 0, which every implementation refuses in its own order
  // (a lost display is reported before an unknown key).
  return key(protocol::key_code_index(code).value_or(std::uint16_t{0}), pressed);
}

const char* to_string(input_error error) {
  switch (error) {
    case input_error::none:
      return "none";
    case input_error::unknown_code:
      return "unknown_code";
    case input_error::unknown_special:
      return "unknown_special";
    case input_error::invalid_argument:
      return "invalid_argument";
    case input_error::unmappable:
      return "unmappable";
    case input_error::display_lost:
      return "display_lost";
  }
  return "?";
}

const char* to_string(local_input_kind kind) {
  switch (kind) {
    case local_input_kind::pointer_motion:
      return "pointer_motion";
    case local_input_kind::button:
      return "button";
    case local_input_kind::key:
      return "key";
  }
  return "?";
}

const char* to_string(local_input_evidence evidence) {
  switch (evidence) {
    case local_input_evidence::other_device:
      return "other_device";
    case local_input_evidence::unexplained_press:
      return "unexplained_press";
    case local_input_evidence::pointer_moved:
      return "pointer_moved";
  }
  return "?";
}

}  // namespace visit::input
