// Single-application mode without a display: the region arithmetic, the screen_info scope,
// frame_pipeline masking against fake_screen_capturer and a fake window tracker (every
// decoded pixel is compared), and the input filter. The real X11 path is checked by
// client_window_share_test (Xvfb + openbox) and tests/e2e/single_app.test.mjs.
#include "client/window_share.hpp"

#include <gtest/gtest.h>

#include <cstring>

#include "capture/fake_screen_capturer.hpp"
#include "client/frame_pipeline.hpp"
#include "codec/tile_codec.hpp"
#include "fake_uplink.hpp"
#include "protocol/message.hpp"
#include "protocol/screen_info.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using clock_type = frame_pipeline::clock;

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

// ---- region -----------------------------------------------------------------------------------

long area(const std::vector<rect>& region) {
  long a = 0;
  for (const rect& r : region) a += static_cast<long>(r.w) * r.h;
  return a;
}

bool covers(const std::vector<rect>& region, int x, int y) {
  int n = 0;
  for (const rect& r : region) n += x >= r.x && y >= r.y && x < r.right() && y < r.bottom();
  EXPECT_LE(n, 1) << "rectangles overlap at " << x << "," << y;
  return n == 1;
}

TEST(window_region, subtracting_rectangles_leaves_exactly_the_uncovered_pixels) {
  std::vector<rect> region{{10, 10, 100, 80}};
  capture::subtract_rect(region, {50, 0, 30, 30});     // a bite from the top edge
  capture::subtract_rect(region, {90, 60, 100, 100});  // the bottom-right corner
  capture::subtract_rect(region, {30, 40, 10, 10});    // a hole
  for (int y = 0; y < 120; ++y) {
    for (int x = 0; x < 200; ++x) {
      const bool in_window = x >= 10 && x < 110 && y >= 10 && y < 90;
      const bool cut = (x >= 50 && x < 80 && y < 30) || (x >= 90 && y >= 60) ||
                       (x >= 30 && x < 40 && y >= 40 && y < 50);
      ASSERT_EQ(covers(region, x, y), in_window && !cut) << x << "," << y;
    }
  }
  capture::subtract_rect(region, {0, 0, 500, 500});
  EXPECT_TRUE(region.empty());
  EXPECT_EQ(area(region), 0);
}

// ---- screen_info ------------------------------------------------------------------------------

TEST(screen_info_scope, round_trips_and_bounds) {
  using protocol::parse_screen_info;
  protocol::screen_info info{640, 480,
                             protocol::screen_scope{protocol::scope_kind::window, "Rechnung – Ä",
                                                    protocol::window_state::minimised}};
  const std::string json = protocol::screen_info_json(info);
  EXPECT_EQ(
      json,
      R"({"width":640,"height":480,"cell":64,"scope":{"kind":"window","title":"Rechnung – Ä","state":"minimised"}})");
  auto back = parse_screen_info(bytes(json));
  ASSERT_TRUE(back.has_value());
  EXPECT_EQ(back->scope, info.scope);
  // No scope: the desktop, written exactly as before scopes existed.
  EXPECT_EQ(protocol::screen_info_json({320, 240, std::nullopt}),
            R"({"width":320,"height":240,"cell":64})");
  back = parse_screen_info(bytes(R"({"width":1,"height":1,"cell":64,"scope":{"kind":"desktop"}})"));
  ASSERT_TRUE(back.has_value());
  ASSERT_TRUE(back->scope.has_value());
  EXPECT_EQ(back->scope->kind, protocol::scope_kind::desktop);

  for (
      const char* bad : {
          R"({"width":1,"height":1,"cell":64,"scope":null})",
          R"({"width":1,"height":1,"cell":64,"scope":{"kind":"screen"}})",
          R"({"width":1,"height":1,"cell":64,"scope":{"kind":"window","title":"x"}})",
          R"({"width":1,"height":1,"cell":64,"scope":{"kind":"window","title":"x","state":"hidden"}})",
          R"({"width":1,"height":1,"cell":64,"scope":{"kind":"window","title":7,"state":"visible"}})",
      }) {
    EXPECT_FALSE(parse_screen_info(bytes(bad)).has_value()) << bad;
  }
  const std::string long_title(protocol::max_scope_title_bytes + 1, 'a');
  EXPECT_FALSE(parse_screen_info(
                   bytes(R"({"width":1,"height":1,"cell":64,"scope":{"kind":"window","title":")" +
                         long_title + R"(","state":"visible"}})"))
                   .has_value());
  const std::string ok_title(protocol::max_scope_title_bytes, 'a');
  EXPECT_TRUE(parse_screen_info(
                  bytes(R"({"width":1,"height":1,"cell":64,"scope":{"kind":"window","title":")" +
                        ok_title + R"(","state":"visible"}})"))
                  .has_value());
}

TEST(screen_info_scope, titles_are_made_valid_and_bounded) {
  EXPECT_EQ(protocol::bounded_title("Editor"), "Editor");
  EXPECT_EQ(protocol::bounded_title("a\xff"
                                    "b\x01"
                                    "c"),
            "a?b c");
  EXPECT_EQ(protocol::bounded_title("\xc3\xa4\xc3\xa4", 3), "\xc3\xa4");  // never half a character
  const std::string t = protocol::bounded_title(std::string(1000, 'x'));
  EXPECT_EQ(t.size(), protocol::max_scope_title_bytes);
}

// ---- a fake tracker ---------------------------------------------------------------------------

struct fake_tracker final : capture::window_tracker {
  capture::window_snapshot snap;
  std::uint64_t events = 0;
  int bump_on_sync = 0;  // this many sync polls find a new event (the window moved meanwhile)
  bool focus = false;
  std::optional<std::pair<int, int>> ptr;
  int snapshots = 0;

  std::uint64_t find_window(std::string_view title, std::string& error) override {
    if (title == "App") return 0x42;
    error = "no window is named \"" + std::string(title) + "\"";
    return 0;
  }
  bool watch(std::uint64_t id, std::string& error) override {
    if (id != 0x42) {
      error = "no window";
      return false;
    }
    watched_ = id;
    ++events;
    return true;
  }
  void unwatch() override { watched_ = 0; }
  std::uint64_t poll_events(bool sync) override {
    if (sync && bump_on_sync > 0) {
      --bump_on_sync;
      ++events;
    }
    return events;
  }
  bool title_changed() override { return false; }
  capture::window_snapshot snapshot() override {
    ++snapshots;
    return snap;
  }
  bool has_focus() override { return focus; }
  std::optional<std::pair<int, int>> pointer() override { return ptr; }

  void place(rect bounds, std::vector<rect> visible) {
    snap.exists = snap.viewable = true;
    snap.title = "App";
    snap.bounds = bounds;
    snap.visible = std::move(visible);
    ++events;
  }
};

// ---- the pipeline -----------------------------------------------------------------------------

constexpr int screen_w = 320, screen_h = 200;

class masked_pipeline_test : public ::testing::Test {
 protected:
  masked_pipeline_test() {
    auto t = std::make_unique<fake_tracker>();
    tracker_ = t.get();
    share_ = std::make_unique<window_share>(std::move(t));
    pipeline_.set_window_share(share_.get());
    link_.set_viewers(1);
    // A screen full of "secret" colour, with the application's own colour in a 100x60 area.
    fake_.fill({0, 0, screen_w, screen_h}, secret);
    fake_.fill({40, 30, 100, 60}, app);
  }

  void pump() {
    t_ += 50ms;
    for (int i = 0; i < 12; ++i) {
      auto r = pipeline_.step(t_);
      if (r.kind == frame_pipeline::step_kind::again) {
        t_ += 60ms;  // past a retry interval
        continue;
      }
      if (r.kind != frame_pipeline::step_kind::wait_for_screen) return;
      r.deadline = {};
      pipeline_.block(r);
    }
  }

  // Decodes every frame handed over; acks them; fails on any secret-coloured pixel.
  void take_frames() {
    for (; taken_ < link_.frames.size(); ++taken_) {
      const outgoing_frame& f = link_.frames[taken_];
      if (!f.screen_info.empty()) {
        const auto m = protocol::parse_message(f.screen_info);
        ASSERT_TRUE(m.has_value());
        screen_info_ = std::string(m->payload.begin(), m->payload.end());
        ++screen_infos_;
      }
      const auto m = protocol::parse_message(f.frame);
      ASSERT_TRUE(m.has_value());
      const auto tiles = protocol::parse_frame(m->payload, screen_w, screen_h);
      ASSERT_TRUE(tiles.has_value());
      ASSERT_TRUE(codec::apply_frame(*tiles, viewer_).has_value());
      for (std::size_t i = 0; i < viewer_.pixels.size(); i += 4) {
        std::uint32_t px = 0;
        std::memcpy(&px, viewer_.pixels.data() + i, 3);
        ASSERT_NE(px, secret) << "a pixel outside the shared window was sent";
      }
    }
    link_.outstanding = 0;
  }

  // The decoded picture: `app` exactly in `inside` (wherever the app is painted), black elsewhere.
  void expect_only(const std::vector<rect>& inside, const rect& app_area) {
    for (int y = 0; y < screen_h; ++y) {
      for (int x = 0; x < screen_w; ++x) {
        bool in = false;
        for (const rect& r : inside)
          in = in || (x >= r.x && y >= r.y && x < r.right() && y < r.bottom());
        const bool app_px =
            x >= app_area.x && y >= app_area.y && x < app_area.right() && y < app_area.bottom();
        std::uint32_t px = 0;
        std::memcpy(&px, viewer_.row(y) + x * 4, 3);
        const std::uint32_t want = in ? (app_px ? app : secret) : 0;
        ASSERT_EQ(px, want) << x << "," << y;
      }
    }
  }

  static constexpr std::uint32_t secret = 0x00c0ffee & 0xffffff, app = 0x00123456;
  capture::fake_screen_capturer fake_{screen_w, screen_h};
  testing::fake_uplink link_;
  pipeline_settings settings_;
  frame_pipeline pipeline_{fake_, link_, settings_};
  fake_tracker* tracker_ = nullptr;
  std::unique_ptr<window_share> share_;
  frame_buffer viewer_{screen_w, screen_h};
  std::size_t taken_ = 0;
  std::string screen_info_;
  int screen_infos_ = 0;
  clock_type::time_point t_ = clock_type::now();
};

TEST_F(masked_pipeline_test, only_the_visible_part_of_the_window_is_ever_sent) {
  tracker_->place({40, 30, 100, 60}, {{40, 30, 100, 60}});
  ASSERT_TRUE(share_->share_window_named("App").ok);
  pump();
  take_frames();
  EXPECT_EQ(
      screen_info_,
      R"({"width":320,"height":200,"cell":64,"scope":{"kind":"window","title":"App","state":"visible"}})");
  expect_only({{40, 30, 100, 60}}, {40, 30, 100, 60});

  // Changes outside the window send nothing at all.
  const auto frames = link_.frames.size();
  fake_.fill({200, 120, 50, 50}, 0x00777777);
  pump();
  EXPECT_EQ(link_.frames.size(), frames);

  // The window moves (the app repaints there, the old place shows what was below).
  fake_.fill({40, 30, 100, 60}, secret);
  fake_.fill({150, 100, 100, 60}, app);
  tracker_->place({150, 100, 100, 60}, {{150, 100, 100, 60}});
  pump();
  take_frames();
  expect_only({{150, 100, 100, 60}}, {150, 100, 100, 60});

  // Another window covers its left half: that part goes black.
  tracker_->place({150, 100, 100, 60}, {{200, 100, 50, 60}});
  pump();
  take_frames();
  expect_only({{200, 100, 50, 60}}, {150, 100, 100, 60});

  // Minimised: all black, and the viewers are told.
  tracker_->snap.viewable = false;
  tracker_->snap.visible.clear();
  ++tracker_->events;
  const int infos = screen_infos_;
  pump();
  take_frames();
  EXPECT_EQ(screen_infos_, infos + 1);
  EXPECT_NE(screen_info_.find(R"("state":"minimised")"), std::string::npos) << screen_info_;
  expect_only({}, {});

  // Back to the desktop: screen_info without scope and everything.
  ASSERT_TRUE(share_->share_desktop().ok);
  pump();
  link_.outstanding = 0;
  for (; taken_ < link_.frames.size(); ++taken_) {
    const outgoing_frame& f = link_.frames[taken_];
    if (!f.screen_info.empty()) {
      const auto m = protocol::parse_message(f.screen_info);
      screen_info_ = std::string(m->payload.begin(), m->payload.end());
    }
    const auto m = protocol::parse_message(f.frame);
    const auto tiles = protocol::parse_frame(m->payload, screen_w, screen_h);
    ASSERT_TRUE(tiles.has_value());
    ASSERT_TRUE(codec::apply_frame(*tiles, viewer_).has_value());
  }
  EXPECT_EQ(screen_info_, R"({"width":320,"height":200,"cell":64})");
  std::uint32_t px = 0;
  std::memcpy(&px, viewer_.row(0), 3);
  EXPECT_EQ(px, secret);
}

TEST_F(masked_pipeline_test, a_grab_made_while_the_window_changed_is_dropped_and_redone) {
  tracker_->place({40, 30, 100, 60}, {{40, 30, 100, 60}});
  ASSERT_TRUE(share_->share_window(0x42).ok);
  tracker_->bump_on_sync = 2;  // two grabs in a row race with a change
  pump();
  take_frames();
  EXPECT_EQ(pipeline_.stats().stale_captures, 2u);
  EXPECT_GE(link_.frames.size(), 1u);
  expect_only({{40, 30, 100, 60}}, {40, 30, 100, 60});
}

TEST_F(masked_pipeline_test, the_cursor_outside_the_window_is_sent_hidden) {
  tracker_->place({40, 30, 100, 60}, {{40, 30, 100, 60}});
  ASSERT_TRUE(share_->share_window(0x42).ok);
  fake_.set_cursor_position({10, 10, true});
  pump();
  ASSERT_FALSE(link_.cursor_positions.empty());
  auto m = protocol::parse_message(link_.cursor_positions.back());
  auto p = protocol::parse_cursor_position(m->payload);
  ASSERT_TRUE(p.has_value());
  EXPECT_FALSE(p->visible);
  fake_.set_cursor_position({60, 40, true});
  t_ += 100ms;
  pump();
  m = protocol::parse_message(link_.cursor_positions.back());
  p = protocol::parse_cursor_position(m->payload);
  ASSERT_TRUE(p.has_value());
  EXPECT_TRUE(p->visible);
  EXPECT_EQ(p->x, 60);
}

// ---- input ------------------------------------------------------------------------------------

struct recording_sink final : input_sink {
  std::vector<std::string> got;
  void pointer_move(std::uint16_t x, std::uint16_t y) override {
    got.push_back("move " + std::to_string(x) + "," + std::to_string(y));
  }
  void button(std::uint8_t b, bool pressed, std::uint16_t x, std::uint16_t y) override {
    got.push_back("button " + std::to_string(b) + (pressed ? " down " : " up ") +
                  std::to_string(x) + "," + std::to_string(y));
  }
  void wheel(std::int16_t, std::int16_t) override { got.push_back("wheel"); }
  void key(std::uint16_t code, bool pressed) override {
    got.push_back("key " + std::to_string(code) + (pressed ? " down" : " up"));
  }
  void special(protocol::special_key) override { got.push_back("special"); }
  void paste_text(std::string_view) override { got.push_back("paste"); }
  released_input release_all() override {
    got.push_back("release_all");
    return {};
  }
};

TEST(scoped_input, refuses_pointer_input_outside_and_keys_without_focus) {
  auto t = std::make_unique<fake_tracker>();
  fake_tracker& tracker = *t;
  window_share share(std::move(t));
  recording_sink inner;
  scoped_input_sink sink(inner, share);

  // The desktop: everything goes.
  sink.pointer_move(1, 1);
  sink.key(5, true);
  sink.key(5, false);
  EXPECT_EQ(inner.got.size(), 3u);
  inner.got.clear();

  tracker.place({40, 30, 100, 60}, {{40, 30, 60, 60}});  // the right part is covered
  ASSERT_TRUE(share.share_window(0x42).ok);
  sink.pointer_move(10, 10);        // outside
  sink.pointer_move(120, 50);       // covered
  sink.button(1, true, 10, 10);     // outside
  sink.pointer_move(50, 40);        // inside
  sink.button(1, true, 55, 45);     // inside: a drag starts
  sink.button(1, false, 200, 150);  // ... and ends outside: released inside
  tracker.ptr = std::pair{5, 5};
  sink.wheel(0, 1);  // the pointer is outside
  tracker.ptr = std::pair{50, 50};
  sink.wheel(0, 1);
  sink.key(30, true);  // no focus
  tracker.focus = true;
  sink.key(31, true);
  tracker.focus = false;
  sink.key(31, false);        // let up although the focus left
  sink.paste_text("secret");  // no focus
  tracker.focus = true;
  sink.special(protocol::special_key::alt_tab);  // desktop-wide: never in window mode
  sink.special(protocol::special_key::alt_f4);
  EXPECT_EQ(inner.got,
            (std::vector<std::string>{"move 50,40", "button 1 down 55,45", "button 1 up 55,45",
                                      "wheel", "key 31 down", "key 31 up", "special"}));
  const std::string status = share.status_lines();
  EXPECT_NE(status.find("share: window 0x42 \"App\" visible"), std::string::npos) << status;
  EXPECT_NE(status.find("refused: 4 pointer, 3 keyboard"), std::string::npos) << status;

  // Minimised: nothing at all.
  tracker.snap.viewable = false;
  ++tracker.events;
  inner.got.clear();
  sink.pointer_move(50, 40);
  sink.key(31, true);
  EXPECT_TRUE(inner.got.empty());
}

TEST(window_share_commands, parse_and_refuse_clearly) {
  auto t = std::make_unique<fake_tracker>();
  window_share share(std::move(t));
  EXPECT_FALSE(share.handle_command("window 0x99").ok);
  EXPECT_FALSE(share.handle_command("window Nope").ok);
  EXPECT_FALSE(share.handle_command("everything").ok);
  EXPECT_TRUE(share.handle_command("window App").ok);
  EXPECT_TRUE(share.handle_command("window 0x42").ok);
  EXPECT_TRUE(share.handle_command("desktop").ok);
  EXPECT_EQ(share.status_lines(), "");  // the desktop, nothing refused: status as before
  window_share none(nullptr);
  EXPECT_FALSE(none.share_window(0x42).ok);
  EXPECT_TRUE(none.share_desktop().ok);
}

}  // namespace
}  // namespace visit::client
