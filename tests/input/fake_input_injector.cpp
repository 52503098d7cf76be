#include "input/fake_input_injector.hpp"

#include <algorithm>

#include "input/key_codes.hpp"

namespace visit::input {

using kind = recorded_input::kind;

input_error fake_input_injector::pointer_move(int x, int y) {
  if (lost_) return input_error::display_lost;
  calls_.push_back(
      {kind::pointer_move, std::clamp(x, 0, width_ - 1), std::clamp(y, 0, height_ - 1), false, {}});
  return input_error::none;
}

input_error fake_input_injector::button(int number, bool pressed) {
  if (lost_) return input_error::display_lost;
  if (number < 1 || number > max_button) return input_error::invalid_argument;
  auto& b = held_.buttons;
  const auto it = std::find(b.begin(), b.end(), number);
  if (pressed == (it != b.end())) return input_error::none;
  if (pressed)
    b.push_back(number);
  else
    b.erase(it);
  calls_.push_back({kind::button, number, 0, pressed, {}});
  return input_error::none;
}

input_error fake_input_injector::wheel(int dx, int dy) {
  if (lost_) return input_error::display_lost;
  dx = std::clamp(dx, -max_wheel_notches, max_wheel_notches);
  dy = std::clamp(dy, -max_wheel_notches, max_wheel_notches);
  if (dx != 0 || dy != 0) calls_.push_back({kind::wheel, dx, dy, false, {}});
  return input_error::none;
}

input_error fake_input_injector::key(std::uint16_t number, bool pressed) {
  if (lost_) return input_error::display_lost;
  const protocol::key_info* info = protocol::find_key(number);
  if (!info) return input_error::unknown_code;
  const std::string_view code = info->code;
  auto& k = held_.keys;
  const auto it = std::find(k.begin(), k.end(), code);
  if (pressed && it == k.end()) k.emplace_back(code);
  if (!pressed) {
    if (it == k.end()) return input_error::none;
    k.erase(it);
  }
  calls_.push_back({kind::key, 0, 0, pressed, std::string(code)});
  return input_error::none;
}

input_error fake_input_injector::type_text(std::string_view utf8) {
  if (lost_) return input_error::display_lost;
  std::vector<char32_t> chars;
  if (utf8.size() > max_text_bytes || !decode_utf8(utf8, chars))
    return input_error::invalid_argument;
  calls_.push_back({kind::type_text, 0, 0, false, std::string(utf8)});
  return input_error::none;
}

input_error fake_input_injector::special(std::string_view name) {
  if (lost_) return input_error::display_lost;
  if (!find_special(name)) return input_error::unknown_special;
  calls_.push_back({kind::special, 0, 0, false, std::string(name)});
  return input_error::none;
}

pressed_state fake_input_injector::release_all() {
  pressed_state released = held_;
  for (auto it = released.keys.rbegin(); it != released.keys.rend(); ++it)
    calls_.push_back({kind::key, 0, 0, false, *it});
  for (int b : released.buttons) calls_.push_back({kind::button, b, 0, false, {}});
  held_ = {};
  return released;
}

}  // namespace visit::input
