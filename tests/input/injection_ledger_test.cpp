#include "input/injection_ledger.hpp"

#include <gtest/gtest.h>

namespace visit::input {
namespace {

using namespace std::chrono_literals;

struct manual_clock {
  injection_ledger::clock::time_point now{};
};

TEST(injection_ledger, explains_injected_positions_within_the_horizon) {
  manual_clock c;
  injection_ledger ledger(1000ms, [&] { return c.now; });
  EXPECT_FALSE(ledger.explains_pointer(1, 1));
  ledger.pointer_moved(1, 1);
  ledger.pointer_moved(2, 2);
  EXPECT_TRUE(ledger.explains_pointer(1, 1));
  EXPECT_TRUE(ledger.explains_pointer(2, 2));
  EXPECT_FALSE(ledger.explains_pointer(3, 3));
  c.now += 2s;
  EXPECT_FALSE(ledger.explains_pointer(1, 1)) << "passed through long ago";
  EXPECT_TRUE(ledger.explains_pointer(2, 2)) << "still resting where the injector left it";
}

TEST(injection_ledger, each_injected_press_explains_one_press) {
  manual_clock c;
  injection_ledger ledger(1000ms, [&] { return c.now; });
  ledger.key_pressed();
  ledger.key_pressed();
  ledger.button_pressed();
  EXPECT_TRUE(ledger.take_key_press());
  EXPECT_TRUE(ledger.take_key_press());
  EXPECT_FALSE(ledger.take_key_press());
  EXPECT_TRUE(ledger.take_button_press());
  EXPECT_FALSE(ledger.take_button_press());
  ledger.key_pressed();
  c.now += 1500ms;
  EXPECT_FALSE(ledger.take_key_press()) << "an old credit must not hide local input";
}

}  // namespace
}  // namespace visit::input
