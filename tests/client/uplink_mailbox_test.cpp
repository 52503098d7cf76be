// The hand-off between the capture and network threads: one frame slot within the credit
// window, latest-wins cursor messages, connection changes.
#include "client/uplink_mailbox.hpp"

#include <gtest/gtest.h>

#include <thread>

namespace visit::client {
namespace {

using namespace std::chrono_literals;

outgoing_frame frame_of(std::uint8_t tag, bool with_info = false) {
  outgoing_frame f;
  f.frame = {tag};
  if (with_info) f.screen_info = {static_cast<std::uint8_t>(tag + 100)};
  return f;
}

TEST(uplink_mailbox_test, no_connection_accepts_nothing) {
  uplink_mailbox m;
  const auto s = m.status();
  EXPECT_EQ(s.connection, 0u);
  EXPECT_FALSE(s.frame_slot_free);
  EXPECT_FALSE(m.offer_frame(0, frame_of(1)));
  m.offer_cursor_position(0, {1});
  EXPECT_FALSE(m.take_next().has_value());
}

TEST(uplink_mailbox_test, one_frame_at_a_time_within_the_credit) {
  uplink_mailbox m;
  const auto c = m.connection_opened(2);
  EXPECT_TRUE(m.status().frame_slot_free);
  EXPECT_TRUE(m.offer_frame(c, frame_of(1)));
  EXPECT_FALSE(m.status().frame_slot_free);  // slot taken
  EXPECT_FALSE(m.offer_frame(c, frame_of(2)));
  auto msg = m.take_next();
  ASSERT_TRUE(msg.has_value());
  EXPECT_TRUE(msg->is_frame);
  EXPECT_EQ(msg->bytes, std::vector<std::uint8_t>{1});
  EXPECT_TRUE(m.status().frame_slot_free);  // 1 of 2 outstanding
  EXPECT_TRUE(m.offer_frame(c, frame_of(3)));
  m.take_next();
  EXPECT_FALSE(m.status().frame_slot_free);  // 2 of 2 outstanding: out of credit
  EXPECT_FALSE(m.offer_frame(c, frame_of(4)));
  m.frames_acked(1);
  EXPECT_TRUE(m.status().frame_slot_free);
}

TEST(uplink_mailbox_test, screen_info_comes_out_before_its_frame) {
  uplink_mailbox m;
  const auto c = m.connection_opened(4);
  m.offer_cursor_position(c, {7});
  ASSERT_TRUE(m.offer_frame(c, frame_of(1, true)));
  auto a = m.take_next();
  auto b = m.take_next();
  auto d = m.take_next();
  ASSERT_TRUE(a && b && d);
  EXPECT_EQ(a->bytes, std::vector<std::uint8_t>{101});
  EXPECT_FALSE(a->is_frame);
  EXPECT_EQ(b->bytes, std::vector<std::uint8_t>{7});
  EXPECT_EQ(d->bytes, std::vector<std::uint8_t>{1});
  EXPECT_TRUE(d->is_frame);
  EXPECT_FALSE(m.take_next().has_value());
}

TEST(uplink_mailbox_test, cursor_messages_are_latest_wins) {
  uplink_mailbox m;
  const auto c = m.connection_opened(4);
  m.offer_cursor_position(c, {1});
  m.offer_cursor_position(c, {2});
  m.offer_cursor_shape(c, {3});
  m.offer_cursor_shape(c, {4});
  auto a = m.take_next();
  auto b = m.take_next();
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->bytes, std::vector<std::uint8_t>{4});
  EXPECT_EQ(b->bytes, std::vector<std::uint8_t>{2});
  EXPECT_FALSE(m.take_next().has_value());
}

TEST(uplink_mailbox_test, offers_for_an_old_connection_are_dropped) {
  uplink_mailbox m;
  const auto c1 = m.connection_opened(4);
  m.connection_closed();
  const auto c2 = m.connection_opened(4);
  EXPECT_NE(c1, c2);
  EXPECT_FALSE(m.offer_frame(c1, frame_of(1)));
  m.offer_cursor_shape(c1, {1});
  EXPECT_FALSE(m.take_next().has_value());
  EXPECT_TRUE(m.offer_frame(c2, frame_of(2)));
}

TEST(uplink_mailbox_test, closing_drops_unsent_data_and_resets_credit) {
  uplink_mailbox m;
  auto c = m.connection_opened(1);
  ASSERT_TRUE(m.offer_frame(c, frame_of(1)));
  m.set_viewers(2);
  m.connection_closed();
  EXPECT_FALSE(m.take_next().has_value());
  EXPECT_EQ(m.status().viewers, 0);
  c = m.connection_opened(1);
  EXPECT_TRUE(m.status().frame_slot_free);
  EXPECT_EQ(m.status().viewers, 0);
}

TEST(uplink_mailbox_test, refresh_counts_joins_after_no_viewers_only) {
  uplink_mailbox m;
  m.connection_opened(4);
  const auto r0 = m.status().refresh;
  m.set_viewers(1);
  EXPECT_EQ(m.status().refresh, r0 + 1);
  m.set_viewers(3);
  EXPECT_EQ(m.status().refresh, r0 + 1);
  m.set_viewers(0);
  m.set_viewers(1);
  EXPECT_EQ(m.status().refresh, r0 + 2);
}

TEST(uplink_mailbox_test, wait_returns_on_change_and_wakes_the_capturer) {
  uplink_mailbox m;
  int wakes = 0;
  m.set_capture_waker([&wakes] { ++wakes; });
  const auto seen = m.status();
  std::thread t([&m] {
    std::this_thread::sleep_for(20ms);
    m.connection_opened(4);
  });
  const auto start = std::chrono::steady_clock::now();
  m.wait(seen, std::chrono::steady_clock::time_point::max());
  EXPECT_LT(std::chrono::steady_clock::now() - start, 5s);
  EXPECT_NE(m.status(), seen);
  t.join();
  EXPECT_GE(wakes, 1);

  // With nothing changing, wait() returns at the deadline.
  const auto s = m.status();
  const auto t0 = std::chrono::steady_clock::now();
  m.wait(s, t0 + 30ms);
  EXPECT_GE(std::chrono::steady_clock::now() - t0, 25ms);
}

TEST(uplink_mailbox_test, stop_is_seen_by_the_capture_side) {
  uplink_mailbox m;
  const auto seen = m.status();
  std::thread t([&m] { m.stop(); });
  m.wait(seen, std::chrono::steady_clock::time_point::max());
  t.join();
  EXPECT_TRUE(m.status().stopping);
}

}  // namespace
}  // namespace visit::client
