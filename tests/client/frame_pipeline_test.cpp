// The capture thread's send logic: frame_pipeline against fake_screen_capturer and a fake
// network side. Frames are decoded with the reference decoder and compared with the screen.
#include "client/frame_pipeline.hpp"

#include <gtest/gtest.h>

#include <set>
#include <thread>
#include <utility>

#include "capture/fake_screen_capturer.hpp"
#include "client/uplink_mailbox.hpp"
#include "codec/tile_codec.hpp"
#include "fake_uplink.hpp"
#include "protocol/message.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using capture::fake_screen_capturer;
using clock_type = frame_pipeline::clock;
using testing::fake_uplink;

constexpr int screen_w = 320, screen_h = 200;  // 5 x 4 cells, the bottom row 8 px high
constexpr std::uint32_t red = 0x000000ff, green = 0x0000ff00, blue = 0x00ff0000;

using cell = std::pair<int, int>;  // x, y of a tile

struct decoded_frame {
  std::vector<cell> cells;
};

protocol::message_view parse(const std::vector<std::uint8_t>& m) {
  auto r = protocol::parse_message(m);
  EXPECT_TRUE(r.has_value());
  return r.has_value() ? *r : protocol::message_view{};
}

class pipeline_test : public ::testing::Test {
 protected:
  pipeline_test() : viewer_(screen_w, screen_h) {}

  // Runs the pipeline at time `t` until it has nothing more to do right now.
  void pump(clock_type::time_point t) {
    for (int i = 0; i < 12; ++i) {
      auto r = pipeline_.step(t);
      if (r.kind == frame_pipeline::step_kind::again) continue;
      if (r.kind != frame_pipeline::step_kind::wait_for_screen) return;
      r.deadline = {};  // look for damage without waiting
      pipeline_.block(r);
    }
  }

  // Decodes the frames handed over since the last call into `viewer_` and returns their cells.
  std::vector<decoded_frame> take_frames() {
    std::vector<decoded_frame> out;
    for (; taken_ < link_.frames.size(); ++taken_) {
      const outgoing_frame& f = link_.frames[taken_];
      if (!f.screen_info.empty()) {
        const auto m = parse(f.screen_info);
        EXPECT_EQ(m.hdr.type, protocol::message_type::screen_info);
        last_screen_info_ = std::string(m.payload.begin(), m.payload.end());
      }
      const auto m = parse(f.frame);
      EXPECT_EQ(m.hdr.type, protocol::message_type::frame);
      EXPECT_LE(m.payload.size(), settings_.max_frame_payload);
      auto tiles = protocol::parse_frame(m.payload, viewer_.width, viewer_.height);
      EXPECT_TRUE(tiles.has_value());
      if (!tiles) continue;
      EXPECT_TRUE(codec::apply_frame(*tiles, viewer_).has_value());
      decoded_frame d;
      for (const auto& t : *tiles) d.cells.emplace_back(t.x, t.y);
      out.push_back(std::move(d));
    }
    return out;
  }

  // The viewer's picture equals `expected` in R, G and B.
  static bool same_pixels(const frame_buffer& a, const frame_buffer& b) {
    if (a.width != b.width || a.height != b.height) return false;
    for (int y = 0; y < a.height; ++y) {
      const std::uint8_t* pa = a.pixels.data() + static_cast<std::size_t>(y) * a.stride();
      const std::uint8_t* pb = b.pixels.data() + static_cast<std::size_t>(y) * b.stride();
      for (int x = 0; x < a.width; ++x) {
        if (std::memcmp(pa + x * 4, pb + x * 4, 3) != 0) return false;
      }
    }
    return true;
  }

  void fill(frame_buffer& f, const rect& r, std::uint32_t bgrx) {
    for (int y = r.y; y < r.bottom(); ++y) {
      for (int x = r.x; x < r.right(); ++x) std::memcpy(f.row(y) + x * 4, &bgrx, 4);
    }
  }
  // Paints `r` on both the fake screen and the expected picture.
  void paint(const rect& r, std::uint32_t bgrx) {
    fake_.fill(r, bgrx);
    fill(expected_, r, bgrx);
  }

  static std::size_t all_cells() { return 5 * 4; }

  pipeline_settings settings_;
  fake_screen_capturer fake_{screen_w, screen_h};
  fake_uplink link_;
  frame_pipeline pipeline_{fake_, link_, settings_};
  frame_buffer viewer_;
  frame_buffer expected_{screen_w, screen_h};
  std::size_t taken_ = 0;
  std::string last_screen_info_;
  clock_type::time_point t_ = clock_type::now();
};

TEST_F(pipeline_test, captures_nothing_without_viewers) {
  link_.viewers = 0;
  paint({0, 0, 10, 10}, red);
  for (int i = 0; i < 5; ++i) {
    const auto r = pipeline_.step(t_ += 20ms);
    EXPECT_EQ(r.kind, frame_pipeline::step_kind::wait_for_link);
    EXPECT_EQ(r.deadline, clock_type::time_point::max());  // no polling at all
  }
  EXPECT_EQ(fake_.capture_count(), 0u);
  EXPECT_TRUE(link_.frames.empty());
  EXPECT_TRUE(link_.cursor_positions.empty());
}

TEST_F(pipeline_test, captures_nothing_without_a_connection) {
  link_.connection = 0;
  link_.viewers = 3;
  pump(t_);
  EXPECT_EQ(fake_.capture_count(), 0u);
  EXPECT_TRUE(link_.frames.empty());
}

TEST_F(pipeline_test, viewer_join_sends_screen_info_and_the_whole_screen) {
  paint({10, 10, 100, 50}, green);
  link_.set_viewers(1);
  pump(t_);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].cells.size(), all_cells());
  EXPECT_EQ(last_screen_info_, R"({"width":320,"height":200,"cell":64})");
  EXPECT_TRUE(same_pixels(viewer_, expected_));
}

TEST_F(pipeline_test, sends_only_changed_cells_after_the_first_frame) {
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  paint({70, 70, 10, 10}, red);  // inside cell (64, 64)
  pump(t_ += 20ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].cells, (std::vector<cell>{{64, 64}}));
  EXPECT_TRUE(link_.frames.back().screen_info.empty());
  EXPECT_TRUE(same_pixels(viewer_, expected_));
}

TEST_F(pipeline_test, credit_window_is_respected_and_nothing_is_captured_without_credit) {
  link_.set_viewers(1);
  pump(t_);  // frame 1
  for (int i = 0; i < 8; ++i) {
    paint({(i % 5) * 64, 64, 8, 8}, i % 2 ? red : blue);
    pump(t_ += 20ms);
  }
  EXPECT_EQ(link_.frames.size(), protocol::credit_frames);
  const auto captures = fake_.capture_count();
  for (int i = 0; i < 5; ++i) {
    paint({0, 128, 8, 8}, green);
    pump(t_ += 20ms);
    const auto r = pipeline_.step(t_);
    EXPECT_EQ(r.kind, frame_pipeline::step_kind::wait_for_link);
  }
  EXPECT_EQ(fake_.capture_count(), captures);  // damage stays with the capturer
  EXPECT_EQ(link_.frames.size(), protocol::credit_frames);
}

TEST_F(pipeline_test, out_of_credit_changes_coalesce_into_one_frame_with_the_latest_content) {
  link_.credit = 1;
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  ASSERT_EQ(link_.outstanding, 1u);

  // While out of credit: cell A changes twice, cell B once.
  paint({0, 0, 64, 64}, red);
  pump(t_ += 20ms);
  paint({0, 0, 64, 64}, blue);
  paint({128, 64, 5, 5}, green);
  pump(t_ += 20ms);
  EXPECT_TRUE(take_frames().empty());

  link_.ack(1);
  pump(t_ += 20ms);
  auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].cells, (std::vector<cell>{{0, 0}, {128, 64}}));
  EXPECT_TRUE(same_pixels(viewer_, expected_));  // cell A is blue, not red

  // Nothing is sent twice.
  link_.ack(1);
  pump(t_ += 20ms);
  pump(t_ += 20ms);
  EXPECT_TRUE(take_frames().empty());
}

TEST_F(pipeline_test, changes_made_while_a_change_is_pending_are_not_lost) {
  link_.credit = 2;
  link_.set_viewers(1);
  pump(t_);
  paint({0, 0, 4, 4}, red);
  pump(t_ += 20ms);  // frame 2: credit exhausted
  ASSERT_EQ(link_.outstanding, 2u);
  std::set<cell> changed;
  for (int i = 0; i < 20; ++i) {
    const int x = (i * 37) % screen_w, y = (i * 53) % screen_h;
    paint({x, y, 3, 3}, i % 2 ? green : blue);
    changed.insert({x / 64 * 64, y / 64 * 64});
  }
  take_frames();
  link_.ack(2);
  pump(t_ += 20ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(std::set<cell>(frames[0].cells.begin(), frames[0].cells.end()), changed);
  EXPECT_TRUE(same_pixels(viewer_, expected_));
}

TEST_F(pipeline_test, every_join_after_no_viewers_gets_the_whole_screen) {
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  link_.set_viewers(0);
  paint({0, 0, 300, 100}, red);
  pump(t_ += 20ms);
  EXPECT_TRUE(take_frames().empty());
  link_.ack(1);
  link_.set_viewers(2);
  pump(t_ += 20ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].cells.size(), all_cells());
  EXPECT_TRUE(same_pixels(viewer_, expected_));
}

TEST_F(pipeline_test, a_second_viewer_does_not_cause_a_full_frame) {
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  link_.set_viewers(2);
  pump(t_ += 20ms);
  EXPECT_TRUE(take_frames().empty());
}

TEST_F(pipeline_test, a_new_connection_gets_screen_info_and_the_whole_screen) {
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  link_.connection = 2;
  link_.outstanding = 0;
  link_.viewers = 0;
  link_.set_viewers(1);
  pump(t_ += 20ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_FALSE(link_.frames.back().screen_info.empty());
  EXPECT_EQ(frames[0].cells.size(), all_cells());
}

TEST_F(pipeline_test, a_screen_size_change_sends_screen_info_and_the_whole_new_screen) {
  link_.credit = 100;
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  frame_buffer bigger(400, 130);
  fake_.set_frame(bigger);
  viewer_ = frame_buffer(400, 130);
  pump(t_ += 20ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(last_screen_info_, R"({"width":400,"height":130,"cell":64})");
  EXPECT_EQ(frames[0].cells.size(), 7u * 3u);
}

TEST_F(pipeline_test, frames_are_capped_at_about_60_per_second) {
  link_.credit = 100;
  link_.set_viewers(1);
  pump(t_);
  take_frames();
  paint({0, 0, 4, 4}, red);
  pump(t_ += 20ms);
  ASSERT_EQ(take_frames().size(), 1u);
  paint({0, 0, 4, 4}, green);
  pump(t_ + 5ms);
  EXPECT_TRUE(take_frames().empty());
  pump(t_ + 17ms);
  EXPECT_EQ(take_frames().size(), 1u);
  EXPECT_TRUE(same_pixels(viewer_, expected_));
}

TEST_F(pipeline_test, a_large_update_is_split_within_the_payload_limit_without_repeats) {
  // Room for 3 solid tiles (17 bytes each) per frame.
  settings_.max_frame_payload = protocol::frame_header_size + 3 * 17;
  frame_pipeline small{fake_, link_, settings_};
  link_.credit = 100;
  link_.set_viewers(1);
  for (int i = 0; i < 20; ++i) {
    for (int k = 0; k < 12; ++k) {
      auto r = small.step(t_);
      if (r.kind == frame_pipeline::step_kind::again) continue;
      if (r.kind != frame_pipeline::step_kind::wait_for_screen) break;
      r.deadline = {};
      small.block(r);
    }
    t_ += 20ms;
  }
  const auto frames = take_frames();
  EXPECT_EQ(frames.size(), 7u);  // 20 cells, 3 per frame
  std::multiset<cell> seen;
  for (const auto& f : frames) {
    EXPECT_LE(f.cells.size(), 3u);
    seen.insert(f.cells.begin(), f.cells.end());
  }
  EXPECT_EQ(seen.size(), all_cells());
  EXPECT_EQ(std::set<cell>(seen.begin(), seen.end()).size(), all_cells());
}

TEST_F(pipeline_test, a_temporary_capture_failure_is_retried_without_loss) {
  link_.set_viewers(1);
  fake_.fail_next_capture(capture::capture_result::error_temporary);
  pump(t_);
  EXPECT_TRUE(take_frames().empty());
  pump(t_ += settings_.retry_interval + 1ms);
  const auto frames = take_frames();
  ASSERT_EQ(frames.size(), 1u);
  EXPECT_EQ(frames[0].cells.size(), all_cells());
}

TEST_F(pipeline_test, a_permanent_capture_failure_ends_the_pipeline) {
  link_.set_viewers(1);
  fake_.fail_next_capture(capture::capture_result::error_permanent);
  frame_pipeline::step_result r;
  for (int i = 0; i < 4 && r.kind != frame_pipeline::step_kind::failed; ++i) r = pipeline_.step(t_);
  EXPECT_EQ(r.kind, frame_pipeline::step_kind::failed);
}

TEST_F(pipeline_test, stopping_ends_the_pipeline) {
  link_.stopping = true;
  EXPECT_EQ(pipeline_.step(t_).kind, frame_pipeline::step_kind::stop);
  EXPECT_TRUE(pipeline_.run());
}

TEST_F(pipeline_test, cursor_shape_on_change_and_position_on_move_at_most_30_hz) {
  capture::cursor_image img;
  img.width = 2;
  img.height = 3;
  img.hot_x = 1;
  img.hot_y = 2;
  img.rgba.assign(2 * 3 * 4, 0x80);
  fake_.set_cursor(img);
  fake_.set_cursor_position({100, 50, true});
  link_.set_viewers(1);
  pump(t_);
  ASSERT_EQ(link_.cursor_shapes.size(), 1u);
  const auto shape = protocol::parse_cursor_shape(parse(link_.cursor_shapes[0]).payload);
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(shape->w, 2);
  EXPECT_EQ(shape->h, 3);
  EXPECT_EQ(shape->hot_x, 1);
  EXPECT_EQ(shape->hot_y, 2);
  ASSERT_EQ(link_.cursor_positions.size(), 1u);
  auto pos = protocol::parse_cursor_position(parse(link_.cursor_positions[0]).payload);
  ASSERT_TRUE(pos.has_value());
  EXPECT_EQ(pos->x, 100);
  EXPECT_EQ(pos->y, 50);
  EXPECT_TRUE(pos->visible);

  // Moves within one poll interval are not polled; the next poll sends the latest position.
  fake_.set_cursor_position({101, 50, true});
  pump(t_ + 10ms);
  fake_.set_cursor_position({102, 51, true});
  pump(t_ + 20ms);
  EXPECT_EQ(link_.cursor_positions.size(), 1u);
  pump(t_ + settings_.cursor_poll_interval);
  ASSERT_EQ(link_.cursor_positions.size(), 2u);
  pos = protocol::parse_cursor_position(parse(link_.cursor_positions[1]).payload);
  EXPECT_EQ(pos->x, 102);
  EXPECT_EQ(pos->y, 51);
  // Still: nothing more.
  pump(t_ + 3 * settings_.cursor_poll_interval);
  EXPECT_EQ(link_.cursor_positions.size(), 2u);
  EXPECT_EQ(link_.cursor_shapes.size(), 1u);
}

TEST_F(pipeline_test, oversized_cursor_is_cropped_to_the_protocol_limit) {
  capture::cursor_image img;
  img.width = 200;
  img.height = 150;
  img.hot_x = 190;
  img.hot_y = 5;
  img.rgba.assign(200 * 150 * 4, 0xff);
  fake_.set_cursor(img);
  link_.set_viewers(1);
  pump(t_);
  ASSERT_EQ(link_.cursor_shapes.size(), 1u);
  const auto shape = protocol::parse_cursor_shape(parse(link_.cursor_shapes[0]).payload);
  ASSERT_TRUE(shape.has_value());
  EXPECT_EQ(shape->w, 128);
  EXPECT_EQ(shape->h, 128);
  EXPECT_EQ(shape->hot_x, 127);
}

// The real threads: the pipeline on its own thread, the test as the network thread.
TEST(pipeline_thread_test, runs_on_its_thread_through_the_mailbox_and_stops) {
  fake_screen_capturer fake(256, 128);
  uplink_mailbox mailbox;
  mailbox.set_capture_waker([&fake] { fake.wake(); });
  frame_pipeline pipeline(fake, mailbox);
  bool ok = false;
  std::thread t([&] { ok = pipeline.run(); });

  const auto take_frame = [&]() -> std::vector<std::uint8_t> {
    const auto deadline = std::chrono::steady_clock::now() + 5s;
    while (std::chrono::steady_clock::now() < deadline) {
      while (auto m = mailbox.take_next()) {
        if (m->is_frame) return m->bytes;
      }
      std::this_thread::sleep_for(1ms);
    }
    return {};
  };
  mailbox.connection_opened(4);
  mailbox.set_viewers(1);
  auto f = take_frame();
  ASSERT_FALSE(f.empty());
  auto tiles = protocol::parse_frame(parse(f).payload, 256, 128);
  ASSERT_TRUE(tiles.has_value());
  EXPECT_EQ(tiles->size(), 8u);
  mailbox.frames_acked(1);

  fake.fill({200, 100, 3, 3}, 0x00123456);
  f = take_frame();
  ASSERT_FALSE(f.empty());
  tiles = protocol::parse_frame(parse(f).payload, 256, 128);
  ASSERT_TRUE(tiles.has_value());
  ASSERT_EQ(tiles->size(), 1u);
  EXPECT_EQ((*tiles)[0].x, 192);
  EXPECT_EQ((*tiles)[0].y, 64);

  mailbox.stop();
  t.join();
  EXPECT_TRUE(ok);
}

}  // namespace
}  // namespace visit::client
