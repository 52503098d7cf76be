#include "capture/fake_screen_capturer.hpp"

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <thread>

namespace visit::capture {
namespace {

using namespace std::chrono_literals;

std::uint32_t pixel_at(const frame_view& f, int x, int y) {
  std::uint32_t v = 0;
  std::memcpy(&v, f.row(y) + x * 4, 4);
  return v;
}

TEST(fake_screen_capturer, first_capture_is_full_and_sized) {
  fake_screen_capturer fake(200, 100);
  EXPECT_TRUE(fake.wait_for_change(0ms));
  captured_frame out;
  ASSERT_EQ(fake.capture(out, false), capture_result::success);
  EXPECT_TRUE(out.size_changed);
  EXPECT_EQ(out.screen.width, 200);
  EXPECT_EQ(out.screen.height, 100);
  EXPECT_EQ(out.changed_cells.size(), 4u * 2u);
  ASSERT_EQ(fake.capture(out, false), capture_result::success);
  EXPECT_FALSE(out.size_changed);
  EXPECT_TRUE(out.changed_cells.empty());
  EXPECT_EQ(fake.capture_count(), 2u);
}

TEST(fake_screen_capturer, fill_reports_the_cells_it_touched) {
  fake_screen_capturer fake(300, 200);
  captured_frame out;
  fake.capture(out, false);
  (void)fake.cursor_if_changed();
  EXPECT_FALSE(fake.wait_for_change(10ms));
  fake.fill({60, 10, 10, 60}, 0x00ff0000);
  EXPECT_TRUE(fake.wait_for_change(0ms));
  ASSERT_EQ(fake.capture(out, false), capture_result::success);
  EXPECT_EQ(
      out.changed_cells,
      (std::vector<rect>{{0, 0, 64, 64}, {64, 0, 64, 64}, {0, 64, 64, 64}, {64, 64, 64, 64}}));
  EXPECT_EQ(pixel_at(out.screen, 65, 69), 0x00ff0000u);
  EXPECT_EQ(pixel_at(out.screen, 70, 69), 0u);
  // The same paint again is damage without change.
  fake.fill({60, 10, 10, 60}, 0x00ff0000);
  ASSERT_EQ(fake.capture(out, false), capture_result::success);
  EXPECT_TRUE(out.changed_cells.empty());
  ASSERT_EQ(fake.capture(out, true), capture_result::success);
  EXPECT_EQ(out.changed_cells.size(), 5u * 4u);
}

TEST(fake_screen_capturer, changes_outside_the_damage_stay_unseen) {
  fake_screen_capturer fake(128, 128);
  captured_frame out;
  fake.capture(out, false);
  frame_buffer next(128, 128);
  next.row(100)[100 * 4] = 9;
  next.row(1)[1 * 4] = 9;
  const rect damage{0, 0, 2, 2};
  fake.set_frame(next, {&damage, 1});
  fake.capture(out, false);
  EXPECT_EQ(out.changed_cells, (std::vector<rect>{{0, 0, 64, 64}}));
  EXPECT_EQ(out.screen.row(100)[100 * 4], 0);
}

TEST(fake_screen_capturer, another_size_is_a_size_change) {
  fake_screen_capturer fake(128, 128);
  captured_frame out;
  fake.capture(out, false);
  fake.set_frame(frame_buffer(70, 64));
  fake.capture(out, false);
  EXPECT_TRUE(out.size_changed);
  EXPECT_EQ(out.changed_cells, (std::vector<rect>{{0, 0, 64, 64}, {64, 0, 6, 64}}));
}

TEST(fake_screen_capturer, wake_ends_a_wait_without_change) {
  fake_screen_capturer fake(64, 64);
  captured_frame out;
  fake.capture(out, false);
  (void)fake.cursor_if_changed();
  std::thread waker([&] {
    std::this_thread::sleep_for(50ms);
    fake.wake();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(fake.wait_for_change(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  waker.join();
}

TEST(fake_screen_capturer, injected_failures_and_cursor) {
  fake_screen_capturer fake(64, 64);
  captured_frame out;
  fake.fail_next_capture(capture_result::error_temporary);
  EXPECT_EQ(fake.capture(out, false), capture_result::error_temporary);
  EXPECT_EQ(fake.capture(out, false), capture_result::success);
  EXPECT_TRUE(out.size_changed);

  const auto first = fake.cursor_if_changed();
  ASSERT_TRUE(first.has_value());
  EXPECT_FALSE(fake.cursor_if_changed().has_value());
  cursor_image arrow;
  arrow.width = arrow.height = 2;
  arrow.rgba.assign(16, 255);
  fake.set_cursor(arrow);
  EXPECT_TRUE(fake.wait_for_change(0ms));
  const auto second = fake.cursor_if_changed();
  ASSERT_TRUE(second.has_value());
  EXPECT_EQ(second->width, 2);
  EXPECT_NE(second->serial, first->serial);
  fake.set_cursor_position({10, 20, false});
  EXPECT_EQ(fake.cursor_position().x, 10);
  EXPECT_FALSE(fake.cursor_position().visible);
}

}  // namespace
}  // namespace visit::capture
