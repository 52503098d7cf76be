// Test double of input_injector: records every call and tracks what is held, with the same
// validation as the platform injector (unknown codes and names refused, clamping).
#pragma once
#include <string>
#include <vector>

#include "input/input_injector.hpp"

namespace visit::input {

struct recorded_input {
  enum class kind { pointer_move, button, wheel, key, type_text, special };
  kind what;
  int x = 0, y = 0;  // pointer_move (after clamping), wheel (dx, dy), button (number in x)
  bool pressed = false;
  std::string text;  // key code, typed text or special name
  bool operator==(const recorded_input&) const = default;
};

// Thread-safety: one thread, like the interface.
class fake_input_injector final : public input_injector {
 public:
  fake_input_injector(int screen_width, int screen_height)
      : width_(screen_width), height_(screen_height) {}

  input_error pointer_move(int x, int y) override;
  input_error button(int button, bool pressed) override;
  input_error wheel(int dx, int dy) override;
  using input_injector::key;
  input_error key(std::uint16_t key, bool pressed) override;
  input_error type_text(std::string_view utf8) override;
  input_error special(std::string_view name) override;
  pressed_state release_all() override;
  pressed_state pressed() const override { return held_; }

  // Every accepted call, in order (refused calls are not recorded). release_all() records
  // the individual releases.
  const std::vector<recorded_input>& calls() const { return calls_; }
  void clear() { calls_.clear(); }
  // Makes every following call fail with display_lost, like a backend whose display died.
  void lose_display() { lost_ = true; }

 private:
  int width_, height_;
  bool lost_ = false;
  pressed_state held_;
  std::vector<recorded_input> calls_;
};

}  // namespace visit::input
