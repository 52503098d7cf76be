// The X11 injector against a real Xvfb, checked by what a separate X client receives.
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <thread>
#include <vector>

#include "../capture/xvfb_server.hpp"
#include "input/injection_ledger.hpp"
#include "input/input_injector.hpp"
#include "x_event_recorder.hpp"

namespace visit::input {
namespace {

using test::x_event;
using namespace std::chrono_literals;

constexpr int width = 640, height = 480;

class injector_x11 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    xvfb_ = test::xvfb_server::start(width, height, error);
    ASSERT_TRUE(xvfb_) << error;
    recorder_ = std::make_unique<test::x_event_recorder>(xvfb_->display(), width, height);
    ASSERT_TRUE(recorder_->ok());
    injector_ = make_input_injector(xvfb_->display(), &ledger_, error);
    ASSERT_TRUE(injector_) << error;
  }

  void tap(std::string_view code) {
    ASSERT_EQ(injector_->key(code, true), input_error::none) << code;
    ASSERT_EQ(injector_->key(code, false), input_error::none) << code;
  }
  void shifted(std::string_view code) {
    ASSERT_EQ(injector_->key("ShiftLeft", true), input_error::none);
    tap(code);
    ASSERT_EQ(injector_->key("ShiftLeft", false), input_error::none);
  }
  bool set_layout(const std::string& layout) {
    const std::string command = "setxkbmap -display " + xvfb_->display() + " " + layout;
    if (std::system(command.c_str()) != 0) return false;
    recorder_->drain();
    return true;
  }
  std::vector<unsigned long> typed() {
    recorder_->drain();
    return recorder_->typed_keysyms();
  }

  std::unique_ptr<test::xvfb_server> xvfb_;
  std::unique_ptr<test::x_event_recorder> recorder_;
  injection_ledger ledger_;
  std::unique_ptr<input_injector> injector_;
};

std::vector<unsigned long> keysyms_of(std::u32string_view text) {
  // Latin-1 characters are their own keysyms.
  return std::vector<unsigned long>(text.begin(), text.end());
}

TEST_F(injector_x11, physical_codes_type_hello_world_on_us_layout) {
  shifted("KeyH");
  for (auto code : {"KeyE", "KeyL", "KeyL", "KeyO", "Comma", "Space"}) tap(code);
  shifted("KeyW");
  for (auto code : {"KeyO", "KeyR", "KeyL", "KeyD"}) tap(code);
  shifted("Digit1");
  EXPECT_EQ(typed(), keysyms_of(U"Hello, World!"));
}

TEST_F(injector_x11, type_text_types_hello_world_on_us_layout) {
  ASSERT_EQ(injector_->type_text("Hello, World!\n"), input_error::none);
  auto expected = keysyms_of(U"Hello, World!");
  expected.push_back(0xff0d);  // Return
  EXPECT_EQ(typed(), expected);
  EXPECT_FALSE(recorder_->any_key_down());
}

TEST_F(injector_x11, german_layout_swaps_y_and_z_and_types_umlauts_and_at) {
  ASSERT_TRUE(set_layout("de")) << "setxkbmap failed";
  tap("KeyY");
  tap("KeyZ");
  EXPECT_EQ(typed(), keysyms_of(U"zy"));
  recorder_->clear();
  ASSERT_EQ(injector_->type_text("äöü ß @"), input_error::none);
  EXPECT_EQ(typed(), keysyms_of(U"äöü ß @"));
  // '@' is AltGr+Q on German: the Q key arrived with the level-3 modifier held.
  const auto& events = recorder_->events();
  const auto at = std::find_if(events.begin(), events.end(), [](const x_event& e) {
    return e.what == x_event::kind::key_press && e.keysym == '@';
  });
  ASSERT_NE(at, events.end());
  EXPECT_TRUE(at->state & test::x_event_recorder::mod5_mask);
  EXPECT_FALSE(recorder_->any_key_down());
}

TEST_F(injector_x11, characters_missing_from_the_layout_go_through_a_spare_keycode) {
  ASSERT_EQ(injector_->type_text("a\u2713b\u00e9\u2713"), input_error::none);
  EXPECT_EQ(typed(), (std::vector<unsigned long>{'a', 0x1002713, 'b', 0xe9, 0x1002713}));
}

TEST_F(injector_x11, control_c_arrives_as_c_with_control_mask) {
  ASSERT_EQ(injector_->key("ControlLeft", true), input_error::none);
  tap("KeyC");
  ASSERT_EQ(injector_->key("ControlLeft", false), input_error::none);
  ASSERT_TRUE(recorder_->wait_for(
      [](const x_event& e) { return e.what == x_event::kind::key_press && e.keysym == 'c'; }));
  const auto& e = recorder_->events().back();
  EXPECT_TRUE(e.state & test::x_event_recorder::control_mask);
  EXPECT_FALSE(e.state & test::x_event_recorder::shift_mask);
}

TEST_F(injector_x11, special_combinations_press_and_release_their_chord) {
  ASSERT_EQ(injector_->special("ctrl_alt_del"), input_error::none);
  recorder_->drain();
  std::vector<unsigned long> presses;
  int releases = 0;
  for (const auto& e : recorder_->events()) {
    if (e.what == x_event::kind::key_press) presses.push_back(e.keysym);
    if (e.what == x_event::kind::key_release) ++releases;
  }
  EXPECT_EQ(presses,
            (std::vector<unsigned long>{0xffe3, 0xffe9, 0xffff}));  // Control_L Alt_L Delete
  EXPECT_EQ(releases, 3);
  EXPECT_FALSE(recorder_->any_key_down());
  EXPECT_EQ(injector_->special("format_c"), input_error::unknown_special);
}

TEST_F(injector_x11, unknown_codes_and_bad_arguments_are_refused) {
  EXPECT_EQ(injector_->key("KeyÄ", true), input_error::unknown_code);
  EXPECT_EQ(injector_->key("", true), input_error::unknown_code);
  EXPECT_EQ(injector_->button(0, true), input_error::invalid_argument);
  EXPECT_EQ(injector_->button(max_button + 1, true), input_error::invalid_argument);
  EXPECT_EQ(injector_->type_text("\xc3"), input_error::invalid_argument);
  EXPECT_EQ(injector_->type_text(std::string(max_text_bytes + 1, 'a')),
            input_error::invalid_argument);
  EXPECT_TRUE(injector_->pressed().empty());
}

TEST_F(injector_x11, buttons_and_wheel_arrive_as_buttons_one_to_seven) {
  ASSERT_EQ(injector_->pointer_move(100, 200), input_error::none);
  ASSERT_TRUE(recorder_->wait_for([](const x_event& e) {
    return e.what == x_event::kind::motion && e.x == 100 && e.y == 200;
  }));
  for (int b = 1; b <= 3; ++b) {
    ASSERT_EQ(injector_->button(b, true), input_error::none);
    ASSERT_EQ(injector_->button(b, false), input_error::none);
  }
  ASSERT_EQ(injector_->wheel(0, -1), input_error::none);  // up: 4
  ASSERT_EQ(injector_->wheel(0, 2), input_error::none);   // down: 5 5
  ASSERT_EQ(injector_->wheel(-1, 0), input_error::none);  // left: 6
  ASSERT_EQ(injector_->wheel(1, 0), input_error::none);   // right: 7
  recorder_->drain();
  std::vector<int> pressed, released;
  for (const auto& e : recorder_->events()) {
    if (e.what == x_event::kind::button_press) {
      pressed.push_back(e.button);
      EXPECT_EQ(e.x, 100);
      EXPECT_EQ(e.y, 200);
    }
    if (e.what == x_event::kind::button_release) released.push_back(e.button);
  }
  EXPECT_EQ(pressed, (std::vector<int>{1, 2, 3, 4, 5, 5, 6, 7}));
  EXPECT_EQ(released, pressed);
  EXPECT_EQ(recorder_->pointer_buttons_down(), 0u);
}

TEST_F(injector_x11, pointer_moves_arrive_at_their_coordinates_clamped_to_the_screen) {
  const std::vector<std::pair<int, int>> targets = {{0, 0}, {639, 479}, {320, 17}};
  for (auto [x, y] : targets) {
    ASSERT_EQ(injector_->pointer_move(x, y), input_error::none);
    EXPECT_TRUE(recorder_->wait_for([x = x, y = y](const x_event& e) {
      return e.what == x_event::kind::motion && e.x == x && e.y == y;
    })) << x
        << "," << y;
  }
  ASSERT_EQ(injector_->pointer_move(5000, -30), input_error::none);
  EXPECT_TRUE(recorder_->wait_for([](const x_event& e) {
    return e.what == x_event::kind::motion && e.x == width - 1 && e.y == 0;
  }));
}

TEST_F(injector_x11, release_all_releases_every_held_key_and_button) {
  ASSERT_EQ(injector_->key("ShiftLeft", true), input_error::none);
  ASSERT_EQ(injector_->key("ControlLeft", true), input_error::none);
  ASSERT_EQ(injector_->button(1, true), input_error::none);
  recorder_->drain();
  EXPECT_TRUE(recorder_->any_key_down());
  EXPECT_NE(recorder_->pointer_buttons_down(), 0u);
  recorder_->clear();

  const pressed_state released = injector_->release_all();
  EXPECT_EQ(released.keys, (std::vector<std::string>{"ShiftLeft", "ControlLeft"}));
  EXPECT_EQ(released.buttons, (std::vector<int>{1}));
  EXPECT_TRUE(injector_->pressed().empty());
  recorder_->drain();
  std::vector<unsigned long> key_releases;
  std::vector<int> button_releases;
  for (const auto& e : recorder_->events()) {
    if (e.what == x_event::kind::key_release) key_releases.push_back(e.keysym);
    if (e.what == x_event::kind::button_release) button_releases.push_back(e.button);
  }
  EXPECT_EQ(key_releases, (std::vector<unsigned long>{0xffe3, 0xffe1}));  // Control_L, Shift_L
  EXPECT_EQ(button_releases, (std::vector<int>{1}));
  EXPECT_FALSE(recorder_->any_key_down());
  EXPECT_EQ(recorder_->pointer_buttons_down(), 0u);
  EXPECT_TRUE(injector_->release_all().empty());
}

TEST_F(injector_x11, destroying_the_injector_releases_what_it_holds) {
  ASSERT_EQ(injector_->key("AltLeft", true), input_error::none);
  ASSERT_EQ(injector_->button(3, true), input_error::none);
  recorder_->drain();
  EXPECT_TRUE(recorder_->any_key_down());
  injector_.reset();
  recorder_->drain();
  EXPECT_FALSE(recorder_->any_key_down());
  EXPECT_EQ(recorder_->pointer_buttons_down(), 0u);
}

TEST_F(injector_x11, injection_latency_of_pointer_moves) {
  constexpr int n = 200;
  std::vector<double> micros;
  for (int i = 0; i < n; ++i) {
    const int x = 10 + (i * 7) % 600, y = 10 + (i * 13) % 440;
    const auto start = std::chrono::steady_clock::now();
    ASSERT_EQ(injector_->pointer_move(x, y), input_error::none);
    ASSERT_TRUE(recorder_->wait_for(
        [&](const x_event& e) { return e.what == x_event::kind::motion && e.x == x && e.y == y; }));
    micros.push_back(
        std::chrono::duration<double, std::micro>(recorder_->events().back().received - start)
            .count());
  }
  std::sort(micros.begin(), micros.end());
  std::printf(
      "input: pointer move call -> MotionNotify received, n=%d: p50 %.0f us, p95 %.0f us, "
      "max %.0f us\n",
      n, micros[n / 2], micros[n * 95 / 100], micros.back());
}

}  // namespace
}  // namespace visit::input
