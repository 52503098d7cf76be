// The X11 capturer against a real Xvfb that each test starts for itself (1000x700, black
// root, so the last cell column is 40 wide and the last row 60 high). A second Display
// connection in the test plays the X client that draws.
#include <gtest/gtest.h>
#include <time.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <future>
#include <memory>
#include <set>
#include <thread>

#include "capture/differ.hpp"
#include "capture/screen_capturer.hpp"
#include "x_test_client.hpp"
#include "xvfb_server.hpp"

namespace visit::capture {
namespace {

using namespace std::chrono_literals;

constexpr int screen_w = 1000, screen_h = 700;

double process_cpu_ms() {
  timespec ts{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) * 1e3 + static_cast<double>(ts.tv_nsec) / 1e6;
}

// Compares B, G, R of every pixel (X is undefined at depth 24).
::testing::AssertionResult screen_matches(const frame_view& got, const frame_buffer& want) {
  if (got.width != want.width || got.height != want.height) {
    return ::testing::AssertionFailure() << "size " << got.width << "x" << got.height;
  }
  for (int y = 0; y < want.height; ++y) {
    const std::uint8_t* g = got.row(y);
    const std::uint8_t* w = want.pixels.data() + static_cast<std::size_t>(y) * want.stride();
    for (int x = 0; x < want.width; ++x) {
      if (std::memcmp(g + x * 4, w + x * 4, 3) != 0) {
        return ::testing::AssertionFailure()
               << "pixel (" << x << "," << y << ") is " << int(g[x * 4 + 2]) << ","
               << int(g[x * 4 + 1]) << "," << int(g[x * 4]) << " want " << int(w[x * 4 + 2]) << ","
               << int(w[x * 4 + 1]) << "," << int(w[x * 4]);
      }
    }
  }
  return ::testing::AssertionSuccess();
}

// The cells of a screen that intersect any of `rects`, in row-major order.
std::vector<rect> cells_touching(const std::vector<rect>& rects, int width = screen_w,
                                 int height = screen_h) {
  const cell_grid grid{width, height};
  std::vector<rect> cells;
  for (int row = 0; row < grid.rows(); ++row) {
    for (int column = 0; column < grid.columns(); ++column) {
      const rect c = grid.cell(column, row);
      for (const rect& r : rects) {
        if (!c.intersect(r).empty()) {
          cells.push_back(c);
          break;
        }
      }
    }
  }
  return cells;
}

class x11_capture : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    std::string error;
    server_ = test::xvfb_server::start(screen_w, screen_h, error);
    ASSERT_TRUE(server_) << error;
    client_ = std::make_unique<test::x_test_client>(server_->display(), screen_w, screen_h);
    ASSERT_TRUE(client_->ok());
    capturer_options options;
    options.use_shm = GetParam();
    capturer_ = make_screen_capturer(server_->display(), options, error);
    ASSERT_TRUE(capturer_) << error;
    // The first frame: everything, black.
    ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
    ASSERT_TRUE(frame_.size_changed);
    ASSERT_EQ(frame_.changed_cells.size(), 16u * 11u);
    ASSERT_TRUE(screen_matches(frame_.screen, client_->expected()));
    ASSERT_TRUE(capturer_->cursor_if_changed().has_value());
  }
  void TearDown() override {
    capturer_.reset();
    client_.reset();
    server_.reset();
  }

  std::unique_ptr<test::xvfb_server> server_;
  std::unique_ptr<test::x_test_client> client_;
  std::unique_ptr<screen_capturer> capturer_;
  captured_frame frame_;
};

TEST_P(x11_capture, drawn_rectangles_are_captured_pixel_for_pixel) {
  const std::vector<rect> drawn = {
      {10, 10, 30, 20},     // inside cell (0, 0)
      {100, 60, 100, 10},   // across a row boundary
      {300, 300, 129, 65},  // across several cells
      {980, 650, 20, 50},   // the clipped bottom-right cell
      {0, 699, 1000, 1},    // the last row, every column
  };
  const std::uint32_t colours[] = {0xff0000, 0x00ff00, 0x0000ff, 0x123456, 0xfedcba};
  for (std::size_t i = 0; i < drawn.size(); ++i) client_->fill(drawn[i], colours[i]);
  client_->sync();

  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_FALSE(frame_.size_changed);
  EXPECT_EQ(frame_.changed_cells, cells_touching(drawn));
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));

  // Nothing new: no cells, and capture does not grab.
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_TRUE(frame_.changed_cells.empty());
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
}

TEST_P(x11_capture, redrawing_the_same_pixels_is_damage_but_no_change) {
  client_->fill({200, 200, 50, 50}, 0x336699);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_EQ(frame_.changed_cells.size(), 1u);

  client_->fill({200, 200, 50, 50}, 0x336699);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));  // XDamage reports it...
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_TRUE(frame_.changed_cells.empty());  // ...the differ refines it away
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
}

TEST_P(x11_capture, a_mapped_window_is_captured) {
  const rect window{100, 150, 300, 200};
  client_->map_window(window, 0x00c000);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_EQ(frame_.changed_cells, cells_touching({window}));
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
}

TEST_P(x11_capture, drawing_inside_a_child_window_is_captured) {
  const rect window{64, 64, 400, 300};
  const int index = client_->map_window(window, 0x202020);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);

  // Window coordinates (10, 20) are screen (74, 84): cell (1, 1) only.
  client_->fill_in_window(index, {10, 20, 30, 30}, 0xff8000);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_EQ(frame_.changed_cells, (std::vector<rect>{{64, 64, 64, 64}}));
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
}

TEST_P(x11_capture, full_reports_every_cell) {
  client_->fill({500, 500, 3, 3}, 0xffffff);
  client_->sync();
  ASSERT_EQ(capturer_->capture(frame_, true), capture_result::success);
  EXPECT_EQ(frame_.changed_cells.size(), 16u * 11u);
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
  // The damage was consumed by the full grab.
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_TRUE(frame_.changed_cells.empty());
}

TEST_P(x11_capture, a_still_screen_costs_no_cpu) {
  const auto wall_start = std::chrono::steady_clock::now();
  const double cpu_start = process_cpu_ms();
  EXPECT_FALSE(capturer_->wait_for_change(1000ms));
  const double cpu_ms = process_cpu_ms() - cpu_start;
  const auto wall = std::chrono::steady_clock::now() - wall_start;
  EXPECT_GE(wall, 990ms);
  EXPECT_LT(wall, 1500ms);
  EXPECT_LT(cpu_ms, 5.0) << "waiting on a still screen burned CPU";
  RecordProperty("idle_wait_cpu_ms", std::to_string(cpu_ms));

  const double capture_start = process_cpu_ms();
  for (int i = 0; i < 100; ++i) {
    ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
    EXPECT_TRUE(frame_.changed_cells.empty());
  }
  EXPECT_LT((process_cpu_ms() - capture_start) / 100, 0.05) << "ms per capture of a still screen";
}

TEST_P(x11_capture, wake_ends_a_wait) {
  std::thread waker([this] {
    std::this_thread::sleep_for(100ms);
    capturer_->wake();
  });
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(capturer_->wait_for_change(10s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
  waker.join();
}

TEST_P(x11_capture, cursor_image_and_position) {
  EXPECT_FALSE(capturer_->cursor_if_changed().has_value());  // SetUp took the first one

  client_->define_test_cursor();
  client_->warp_pointer(123, 45);
  client_->sync();

  ASSERT_TRUE(capturer_->wait_for_change(2s));
  const auto image = capturer_->cursor_if_changed();
  ASSERT_TRUE(image.has_value());
  ASSERT_EQ(image->width, 16);
  ASSERT_EQ(image->height, 16);
  EXPECT_EQ(image->hot_x, 3);
  EXPECT_EQ(image->hot_y, 4);
  ASSERT_EQ(image->rgba.size(), 16u * 16u * 4u);
  const auto rgba = [&](int x, int y) {
    const std::uint8_t* p = image->rgba.data() + (y * 16 + x) * 4;
    return std::vector<int>{p[0], p[1], p[2], p[3]};
  };
  EXPECT_EQ(rgba(0, 0), (std::vector<int>{255, 0, 0, 255}));
  EXPECT_EQ(rgba(7, 7), (std::vector<int>{255, 0, 0, 255}));
  EXPECT_EQ(rgba(10, 10), (std::vector<int>{0, 0, 255, 255}));
  EXPECT_EQ(rgba(13, 13), (std::vector<int>{0, 0, 0, 0}));
  EXPECT_FALSE(capturer_->cursor_if_changed().has_value());

  const cursor_state where = capturer_->cursor_position();
  EXPECT_EQ(where.x, 123);
  EXPECT_EQ(where.y, 45);
  EXPECT_TRUE(where.visible);
  // The cursor is never drawn into the frames.
  ASSERT_EQ(capturer_->capture(frame_, true), capture_result::success);
  EXPECT_TRUE(screen_matches(frame_.screen, client_->expected()));
}

TEST_P(x11_capture, a_randr_resize_recreates_the_image) {
  ASSERT_TRUE(client_->resize_screen(800, 600));
  client_->fill({790, 590, 10, 10}, 0xabcdef);
  client_->sync();

  ASSERT_TRUE(capturer_->wait_for_change(2s));
  capture_result result = capturer_->capture(frame_, false);
  // A capture racing the change may fail once; the next one must work.
  if (result == capture_result::error_temporary) result = capturer_->capture(frame_, false);
  ASSERT_EQ(result, capture_result::success);
  EXPECT_TRUE(frame_.size_changed);
  EXPECT_EQ(frame_.screen.width, 800);
  EXPECT_EQ(frame_.screen.height, 600);
  EXPECT_EQ(frame_.changed_cells.size(), 13u * 10u);  // 800 = 12*64 + 32, 600 = 9*64 + 24
  EXPECT_EQ(frame_.changed_cells.back(), (rect{768, 576, 32, 24}));
  const std::uint8_t* p = frame_.screen.row(595) + 795 * 4;
  EXPECT_EQ((std::vector<int>{p[2], p[1], p[0]}), (std::vector<int>{0xab, 0xcd, 0xef}));

  // Damage works at the new size.
  client_->fill({0, 0, 5, 5}, 0xffffff);
  client_->sync();
  ASSERT_TRUE(capturer_->wait_for_change(2s));
  ASSERT_EQ(capturer_->capture(frame_, false), capture_result::success);
  EXPECT_FALSE(frame_.size_changed);
  EXPECT_EQ(frame_.changed_cells, (std::vector<rect>{{0, 0, 64, 64}}));
}

TEST_P(x11_capture, a_dead_server_is_a_permanent_error_not_an_exit) {
  client_.reset();
  server_->kill_now();
  const auto start = std::chrono::steady_clock::now();
  EXPECT_FALSE(capturer_->wait_for_change(2s));
  EXPECT_LT(std::chrono::steady_clock::now() - start, 1500ms);
  EXPECT_EQ(capturer_->capture(frame_, false), capture_result::error_permanent);
  EXPECT_TRUE(frame_.changed_cells.empty());
  EXPECT_FALSE(capturer_->cursor_if_changed().has_value());
  EXPECT_FALSE(capturer_->cursor_position().visible);
  capturer_.reset();  // closing a dead connection must not exit either
}

// The client's case: the capture thread sees the server go, another thread destroys the
// capturer (XCloseDisplay). Xlib keeps a lock for the thread that saw the I/O error; unless
// the handler gives it back, the close waits forever. The capture thread stays alive until
// then (an ended thread's id may be reused by the next one, which Xlib would take for the
// lock's owner).
TEST_P(x11_capture, a_connection_lost_on_one_thread_closes_on_another) {
  client_.reset();
  server_->kill_now();
  std::promise<void> seen;
  auto closed = std::make_shared<std::promise<void>>();
  std::shared_future<void> done = closed->get_future().share();
  std::thread capture_thread([&, done] {
    EXPECT_FALSE(capturer_->wait_for_change(2s));
    EXPECT_EQ(capturer_->capture(frame_, false), capture_result::error_permanent);
    seen.set_value();
    done.wait_for(5s);
  });
  seen.get_future().wait();
  std::thread([this, closed] {
    capturer_.reset();
    closed->set_value();
  }).detach();
  if (done.wait_for(3s) != std::future_status::ready) {
    ADD_FAILURE() << "closing the dead display on another thread hangs";
    std::_Exit(1);  // the closing thread cannot be joined
  }
  capture_thread.join();
}

INSTANTIATE_TEST_SUITE_P(grab, x11_capture, ::testing::Values(true, false),
                         [](const auto& p) { return p.param ? "shm" : "socket"; });

TEST(x11_capture_setup, an_absent_display_gives_null_and_an_error) {
  // A display number nobody uses: no socket, no lock.
  std::string name;
  for (int n = 500; n < 600 && name.empty(); ++n) {
    const std::string s = std::to_string(n);
    if (access(("/tmp/.X11-unix/X" + s).c_str(), F_OK) != 0 &&
        access(("/tmp/.X" + s + "-lock").c_str(), F_OK) != 0) {
      name = ":" + s;
    }
  }
  ASSERT_FALSE(name.empty());
  std::string error;
  EXPECT_EQ(make_screen_capturer(name, error), nullptr);
  EXPECT_NE(error.find(name), std::string::npos) << error;
}

TEST(x11_capture_setup, without_damage_every_capture_polls_the_whole_screen) {
  std::string error;
  auto server = test::xvfb_server::start(300, 200, error);
  ASSERT_TRUE(server) << error;
  capturer_options options;
  options.use_damage = false;
  auto capturer = make_screen_capturer(server->display(), options, error);
  ASSERT_TRUE(capturer) << error;
  captured_frame frame;
  ASSERT_EQ(capturer->capture(frame, false), capture_result::success);
  EXPECT_EQ(frame.changed_cells.size(), 5u * 4u);
  (void)capturer->cursor_if_changed();
  EXPECT_TRUE(capturer->wait_for_change(50ms));  // cannot know: "maybe"
  test::x_test_client client(server->display(), 300, 200);
  ASSERT_TRUE(client.ok());
  client.fill({200, 150, 10, 10}, 0x808080);
  client.sync();
  ASSERT_EQ(capturer->capture(frame, false), capture_result::success);
  EXPECT_EQ(frame.changed_cells, (std::vector<rect>{{192, 128, 64, 64}}));
  ASSERT_EQ(capturer->capture(frame, false), capture_result::success);
  EXPECT_TRUE(frame.changed_cells.empty());
}

}  // namespace
}  // namespace visit::capture
