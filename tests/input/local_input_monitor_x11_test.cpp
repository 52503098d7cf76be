// Mouse precedence against a real Xvfb: the injector's own input is never reported; input
// from another X client (the customer's stand-in) is, within 100 ms.
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

#include "../capture/xvfb_server.hpp"
#include "input/injection_ledger.hpp"
#include "input/input_injector.hpp"
#include "input/local_input_monitor.hpp"
#include "x_event_recorder.hpp"

namespace visit::input {
namespace {

using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class monitor_x11 : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    xvfb_ = test::xvfb_server::start(640, 480, error);
    ASSERT_TRUE(xvfb_) << error;
    customer_ = std::make_unique<test::x_event_recorder>(xvfb_->display(), 640, 480);
    ASSERT_TRUE(customer_->ok());
    injector_ = make_input_injector(xvfb_->display(), &ledger_, error);
    ASSERT_TRUE(injector_) << error;
    monitor_ = make_local_input_monitor(
        xvfb_->display(), ledger_,
        [this](const local_input_event& e) {
          std::lock_guard lock(mutex_);
          seen_.push_back(e);
          changed_.notify_all();
        },
        error);
    ASSERT_TRUE(monitor_) << error;
  }
  void TearDown() override { monitor_.reset(); }

  std::vector<local_input_event> seen() {
    std::lock_guard lock(mutex_);
    return seen_;
  }
  void forget() {
    std::lock_guard lock(mutex_);
    seen_.clear();
  }
  // Waits for a report; returns the time it was detected, or nothing on timeout.
  std::optional<local_input_event> wait_report(std::chrono::milliseconds timeout) {
    std::unique_lock lock(mutex_);
    if (!changed_.wait_for(lock, timeout, [&] { return !seen_.empty(); })) return std::nullopt;
    return seen_.front();
  }
  void drive_a_while() {
    for (int i = 0; i < 50; ++i) {
      ASSERT_EQ(injector_->pointer_move(20 + i * 5, 30 + i * 3), input_error::none);
      if (i % 10 == 0) {
        ASSERT_EQ(injector_->type_text("ab"), input_error::none);
      }
      if (i % 10 == 5) {
        ASSERT_EQ(injector_->button(1, true), input_error::none);
        ASSERT_EQ(injector_->button(1, false), input_error::none);
        ASSERT_EQ(injector_->wheel(1, -1), input_error::none);
      }
      std::this_thread::sleep_for(2ms);
    }
    customer_->drain(150ms);  // well past several pointer polls
  }

  std::unique_ptr<test::xvfb_server> xvfb_;
  std::unique_ptr<test::x_event_recorder> customer_;
  injection_ledger ledger_;
  std::unique_ptr<input_injector> injector_;
  std::mutex mutex_;
  std::condition_variable changed_;
  std::vector<local_input_event> seen_;
  std::unique_ptr<local_input_monitor> monitor_;
};

TEST_F(monitor_x11, lists_the_devices_of_the_server) {
  for (const auto& d : customer_->input_devices()) std::printf("input: device %s\n", d.c_str());
}

TEST_F(monitor_x11, the_injectors_own_moves_keys_and_buttons_are_not_reported) {
  drive_a_while();
  for (const auto& e : seen())
    ADD_FAILURE() << "reported " << to_string(e.kind) << " / " << to_string(e.evidence);
}

TEST_F(monitor_x11, a_warp_from_another_client_is_reported_within_100_ms) {
  drive_a_while();
  forget();
  const auto start = clock::now();
  customer_->warp_pointer(400, 300);
  const auto report = wait_report(1000ms);
  ASSERT_TRUE(report) << "no report";
  const auto latency = std::chrono::duration<double, std::milli>(report->detected_at - start);
  std::printf("input: XWarpPointer by another client detected after %.1f ms (%s)\n",
              latency.count(), to_string(report->evidence));
  EXPECT_LT(latency.count(), 100.0);
  EXPECT_EQ(report->kind, local_input_kind::pointer_motion);
}

TEST_F(monitor_x11, an_xtest_motion_from_another_client_is_reported_within_100_ms) {
  drive_a_while();
  forget();
  const auto start = clock::now();
  customer_->xtest_motion(401, 299);
  const auto report = wait_report(1000ms);
  ASSERT_TRUE(report) << "no report";
  const auto latency = std::chrono::duration<double, std::milli>(report->detected_at - start);
  std::printf("input: XTestFakeMotionEvent by another client detected after %.1f ms (%s)\n",
              latency.count(), to_string(report->evidence));
  EXPECT_LT(latency.count(), 100.0);
}

TEST_F(monitor_x11, an_xtest_key_from_another_client_is_reported) {
  drive_a_while();
  forget();
  const auto start = clock::now();
  customer_->xtest_key_tap(38);  // 'a' on evdev keycodes
  const auto report = wait_report(1000ms);
  ASSERT_TRUE(report) << "no report";
  const auto latency = std::chrono::duration<double, std::milli>(report->detected_at - start);
  std::printf("input: XTest key press by another client detected after %.1f ms (%s)\n",
              latency.count(), to_string(report->evidence));
  EXPECT_EQ(report->kind, local_input_kind::key);
  EXPECT_EQ(report->evidence, local_input_evidence::unexplained_press);
  EXPECT_LT(latency.count(), 100.0);
}

TEST_F(monitor_x11, injecting_again_after_local_input_is_not_reported) {
  customer_->warp_pointer(400, 300);
  ASSERT_TRUE(wait_report(1000ms));
  std::this_thread::sleep_for(50ms);
  forget();
  drive_a_while();
  EXPECT_TRUE(seen().empty());
}

}  // namespace
}  // namespace visit::input
