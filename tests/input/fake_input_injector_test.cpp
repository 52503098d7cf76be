#include "input/fake_input_injector.hpp"

#include <gtest/gtest.h>

namespace visit::input {
namespace {

using kind = recorded_input::kind;

TEST(fake_input_injector, records_calls_with_clamping) {
  fake_input_injector fake(800, 600);
  EXPECT_EQ(fake.pointer_move(-5, 900), input_error::none);
  EXPECT_EQ(fake.wheel(0, 100), input_error::none);
  EXPECT_EQ(fake.type_text("hi"), input_error::none);
  EXPECT_EQ(fake.special("alt_tab"), input_error::none);
  const std::vector<recorded_input> expected = {
      {kind::pointer_move, 0, 599, false, ""},
      {kind::wheel, 0, max_wheel_notches, false, ""},
      {kind::type_text, 0, 0, false, "hi"},
      {kind::special, 0, 0, false, "alt_tab"},
  };
  EXPECT_EQ(fake.calls(), expected);
}

TEST(fake_input_injector, refuses_what_the_platform_injector_refuses) {
  fake_input_injector fake(800, 600);
  EXPECT_EQ(fake.key("NotAKey", true), input_error::unknown_code);
  EXPECT_EQ(fake.special("nope"), input_error::unknown_special);
  EXPECT_EQ(fake.button(0, true), input_error::invalid_argument);
  EXPECT_EQ(fake.type_text("\xff"), input_error::invalid_argument);
  EXPECT_TRUE(fake.calls().empty());
  fake.lose_display();
  EXPECT_EQ(fake.pointer_move(1, 1), input_error::display_lost);
}

TEST(fake_input_injector, release_all_releases_what_is_held_in_reverse) {
  fake_input_injector fake(800, 600);
  fake.key("ShiftLeft", true);
  fake.key("ControlLeft", true);
  fake.key("KeyA", true);
  fake.key("KeyA", false);
  fake.key("KeyB", false);  // never pressed: ignored
  fake.button(1, true);
  fake.button(1, true);  // already held: ignored
  fake.clear();
  EXPECT_EQ(fake.pressed().keys, (std::vector<std::string>{"ShiftLeft", "ControlLeft"}));
  const pressed_state released = fake.release_all();
  EXPECT_EQ(released.keys, (std::vector<std::string>{"ShiftLeft", "ControlLeft"}));
  EXPECT_EQ(released.buttons, (std::vector<int>{1}));
  const std::vector<recorded_input> expected = {
      {kind::key, 0, 0, false, "ControlLeft"},
      {kind::key, 0, 0, false, "ShiftLeft"},
      {kind::button, 1, 0, false, ""},
  };
  EXPECT_EQ(fake.calls(), expected);
  EXPECT_TRUE(fake.pressed().empty());
  EXPECT_TRUE(fake.release_all().empty());
}

}  // namespace
}  // namespace visit::input
