// Single-application mode end to end on the customer's side: the real visit-client shares one
// window of two on an Xvfb run by openbox, against fake_visit_server. Every frame it sends is
// decoded and checked: the other window's colours never appear in any pixel, and once the
// picture settles it equals the X screen inside the shared window's visible region and is
// black everywhere else — after a move and a resize, while the other window covers part of it, and
// when it is minimised (then also scope "minimised"). Injected clicks outside are refused and
// counted, inside they reach the window; keys are refused while the other window has the focus.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <cstdio>
#include <cstring>
#include <filesystem>
#include <functional>
#include <thread>

#include "child_process.hpp"
#include "codec/tile_codec.hpp"
#include "fake_visit_server.hpp"
#include "protocol/control.hpp"
#include "protocol/message.hpp"
#include "protocol/screen_info.hpp"
#include "test_pki.hpp"
#include "x_windows.hpp"
#include "xvfb_display.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using protocol::message_type;
using testing::child_process;
using testing::fake_visit_server;
using testing::x_rect;
using event_kind = fake_visit_server::event::kind;

constexpr int screen_w = 480, screen_h = 360;
const std::string request_id = "00112233445566778899aabbccddeeff";
// The other window's stripes: these B,G,R triples must never be decoded anywhere.
constexpr std::uint8_t secret_a[3] = {0xee, 0xff, 0xc0};  // 0xc0ffee
constexpr std::uint8_t secret_b[3] = {0x77, 0x11, 0xee};  // 0xee1177
// The fake server's wizard: the two questions the client answers, no collectors.
const std::string test_wizard = R"json({"title": "Test desk", "summary_question": "summary",
 "pages": [{"id": "p", "title": "Problem", "questions": [
   {"id": "topic", "label": "What is it about?", "type": "choice", "required": true,
    "options": [{"value": "printing", "label": "Printing"}, {"value": "other", "label": "Other"}]},
   {"id": "summary", "label": "In one line", "type": "text", "required": true}]}]})json";

std::vector<std::uint8_t> json_message(message_type t, std::uint32_t seq, const std::string& json) {
  return protocol::make_json_message(t, seq, protocol::now_us(), json);
}

std::pair<int, std::string> run_ctl(const std::string& socket, const std::string& args) {
  const std::string cmd = std::string(VISIT_CLIENT_BIN) + " ctl " + args + " --socket " + socket;
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[512];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

unsigned long window_id(child_process& app) {
  if (!app.wait_for_output("ready 0x", 30s)) return 0;  // openbox may start slowly
  const std::string out = app.output();
  return std::strtoul(out.c_str() + out.find("ready 0x") + 6, nullptr, 16);
}

class window_share_session : public ::testing::Test {
 protected:
  // openbox, started after the applications: it frames the windows that exist when it starts
  // (a window mapped while openbox is still starting up may wait for an unrelated event).
  void start_wm() {
    wm_ = std::make_unique<child_process>(std::vector<std::string>{
        "/usr/bin/env", "DISPLAY=" + x_.name(), VISIT_OPENBOX_PATH, "--sm-disable"});
  }
  ~window_share_session() override {
    client_.reset();
    std::filesystem::remove_all(ctl_dir_);
  }

  std::unique_ptr<child_process> start_app(const std::string& title, int x, int y, int w, int h,
                                           const std::string& a, const std::string& b,
                                           const std::string& text) {
    return std::make_unique<child_process>(std::vector<std::string>{
        "/usr/bin/env", "DISPLAY=" + x_.name(), X_APP_WINDOW_BIN, title, std::to_string(x),
        std::to_string(y), std::to_string(w), std::to_string(h), a, b, text});
  }

  // Reads what the client sends for up to `timeout`: screen_info updates the scope, every
  // frame is decoded, checked for the other window's colours and acknowledged. Returns as soon
  // as `done` holds after a message (or after a quiet 200 ms).
  bool pump_until(const std::function<bool()>& done, std::chrono::milliseconds timeout) {
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto e = server_.next(200ms);
      if (e && e->what == event_kind::message) handle(e->bytes);
      if (::testing::Test::HasFatalFailure()) return false;
      if (done()) return true;
    }
    return false;
  }

  void handle(const std::vector<std::uint8_t>& bytes) {
    const auto m = protocol::parse_message(bytes);
    ASSERT_TRUE(m.has_value());
    ASSERT_EQ(m->hdr.sequence, next_in_);
    ++next_in_;
    if (m->hdr.type == message_type::screen_info) {
      const auto info = protocol::parse_screen_info(m->payload);
      ASSERT_TRUE(info.has_value());
      ASSERT_EQ(info->width, screen_w);
      ASSERT_EQ(info->height, screen_h);
      scope_ = info->scope;
      ++screen_infos_;
    } else if (m->hdr.type == message_type::frame) {
      const auto tiles = protocol::parse_frame(m->payload, screen_w, screen_h);
      ASSERT_TRUE(tiles.has_value());
      ASSERT_TRUE(codec::apply_frame(*tiles, decoded_).has_value());
      ++frames_;
      if (check_secret_) {
        for (std::size_t i = 0; i < decoded_.pixels.size(); i += 4) {
          const std::uint8_t* p = decoded_.pixels.data() + i;
          ASSERT_FALSE(std::memcmp(p, secret_a, 3) == 0 || std::memcmp(p, secret_b, 3) == 0)
              << "the other window's pixel at " << (i / 4) % screen_w << "," << (i / 4) / screen_w
              << " in frame " << frames_;
        }
      }
      server_.send(protocol::make_frame_ack(next_out_++, protocol::now_us(), m->hdr.sequence));
    }
  }

  // The decoded screen equals the X screen where `visible` says, black elsewhere.
  bool picture_is(const std::function<bool(int, int)>& visible, long* shown = nullptr) {
    int w = 0, h = 0;
    const auto real = windows_.screen(w, h);
    if (w != screen_w || h != screen_h) return false;
    long n = 0;
    for (int y = 0; y < h; ++y) {
      for (int x = 0; x < w; ++x) {
        const std::size_t i = (static_cast<std::size_t>(y) * w + x) * 4;
        const std::uint8_t* got = decoded_.pixels.data() + i;
        if (visible(x, y)) {
          ++n;
          if (std::memcmp(got, real.data() + i, 3) != 0) return false;
        } else if (got[0] != 0 || got[1] != 0 || got[2] != 0) {
          return false;
        }
      }
    }
    if (shown != nullptr) *shown = n;
    return true;
  }

  // The shared window's visible pixels as the test sees them: its inside, on the screen, minus
  // the other window's frame when that is above it.
  std::function<bool(int, int)> shared_region(bool other_above) {
    const auto c = windows_.client_rect(shared_id_);
    const auto f = windows_.frame_rect(secret_id_);
    return [c, f, other_above](int x, int y) {
      return c && c->contains(x, y) && !(other_above && f && f->contains(x, y));
    };
  }

  // Waits until the picture matches the region `make_region` returns (asked afresh each time:
  // the window manager may still be moving things).
  using region_fn = std::function<bool(int, int)>;
  bool wait_picture(const std::function<region_fn()>& make_region, long* shown = nullptr) {
    if (pump_until([&] { return picture_is(make_region(), shown); }, 10s)) return true;
    describe_difference(make_region());
    return false;
  }

  // Says where the picture differs (on failure).
  void describe_difference(const std::function<bool(int, int)>& visible) {
    int w = 0, h = 0;
    const auto real = windows_.screen(w, h);
    long inside = 0, outside = 0;
    std::string first;
    for (int y = 0; y < h && w == screen_w && h == screen_h; ++y) {
      for (int x = 0; x < w; ++x) {
        const std::size_t i = (static_cast<std::size_t>(y) * w + x) * 4;
        const std::uint8_t* got = decoded_.pixels.data() + i;
        const bool bad = visible(x, y) ? std::memcmp(got, real.data() + i, 3) != 0
                                       : (got[0] | got[1] | got[2]) != 0;
        if (!bad) continue;
        ++(visible(x, y) ? inside : outside);
        if (first.empty()) {
          char buf[160];
          std::snprintf(buf, sizeof buf, "first at %d,%d: got %02x%02x%02x, screen %02x%02x%02x", x,
                        y, got[2], got[1], got[0], real[i + 2], real[i + 1], real[i]);
          first = buf;
        }
      }
    }
    const auto c = windows_.client_rect(shared_id_);
    ADD_FAILURE() << "picture differs: " << inside << " px inside, " << outside << " px outside; "
                  << first << "; shared window at "
                  << (c ? std::to_string(c->x) + "," + std::to_string(c->y) : "?")
                  << "; client log:\n"
                  << client_->output().substr(
                         client_->output().size() > 3000 ? client_->output().size() - 3000 : 0);
  }

  void send_input(const std::vector<protocol::input_event>& events) {
    server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", events));
  }

  static std::string make_ctl_dir() {
    char tmpl[] = "/tmp/visit-share-test-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    return dir != nullptr ? dir : "/tmp";
  }

  std::string ctl_dir_ = make_ctl_dir();
  std::string ctl_path_ = ctl_dir_ + "/ctl.sock";
  testing::xvfb_display x_{VISIT_XVFB_PATH, "480x360x24"};
  std::unique_ptr<child_process> wm_;
  testing::x_windows windows_{x_.name()};
  testing::test_pki pki_;
  testing::test_identity identity_ = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  fake_visit_server server_{identity_};
  std::unique_ptr<child_process> client_;
  unsigned long shared_id_ = 0, secret_id_ = 0;
  std::uint32_t next_in_ = 1, next_out_ = 1;
  frame_buffer decoded_{screen_w, screen_h};
  std::optional<protocol::screen_scope> scope_;
  int screen_infos_ = 0;
  int frames_ = 0;
  bool check_secret_ = true;
};

TEST_F(window_share_session, only_the_shared_window_is_seen_and_only_it_takes_input) {
  ASSERT_TRUE(windows_.ok());
  auto shared = start_app("Shared App", 30, 40, 200, 140, "3366cc", "99cc33", "shared-app-text");
  shared_id_ = window_id(*shared);
  auto secret = start_app("Secret App", 260, 190, 180, 130, "c0ffee", "ee1177", "TOP-SECRET");
  secret_id_ = window_id(*secret);
  ASSERT_NE(shared_id_, 0u) << shared->output();
  ASSERT_NE(secret_id_, 0u) << secret->output();
  start_wm();
  // Both reparented into openbox frames (the frame is not the window) and shown again.
  const auto framed = [&](unsigned long w) {
    const auto f = windows_.frame_rect(w);
    const auto c = windows_.client_rect(w);
    return f && c && f->h > c->h && windows_.viewable(w);
  };
  for (int i = 0; i < 200 && !(windows_.wm_running() && framed(shared_id_) && framed(secret_id_));
       ++i) {
    std::this_thread::sleep_for(50ms);
  }
  ASSERT_TRUE(framed(shared_id_) && framed(secret_id_)) << wm_->output();

  client_ = std::make_unique<child_process>(std::vector<std::string>{
      VISIT_CLIENT_BIN, "--headless", "--server",
      "https://127.0.0.1:" + std::to_string(server_.port()), "--pin",
      net::to_hex(identity_.fingerprint), "--name", "Ada", "--display", x_.name(), "--ctl-socket",
      ctl_path_, "--share-window-name", "Shared App", "--answer", "topic=printing", "--answer",
      "summary=test", "--yes"});
  ASSERT_TRUE(client_->wait_for_output("sharing only window", 10s)) << client_->output();

  // Handshake (§3.1), with access control so that input can be granted: hello with the wizard,
  // the headless wizard's support_request, request_filed, viewers.
  auto opened = server_.next(10s);
  ASSERT_TRUE(opened && opened->what == event_kind::opened) << client_->output();
  auto hello = server_.next(10s);
  ASSERT_TRUE(hello && hello->what == event_kind::message) << client_->output();
  const auto hello_m = protocol::parse_message(hello->bytes);
  ASSERT_TRUE(hello_m.has_value());
  ASSERT_EQ(hello_m->hdr.type, message_type::hello);
  ASSERT_EQ(hello_m->hdr.sequence, next_in_);
  ++next_in_;
  server_.send(json_message(message_type::hello, next_out_++,
                            R"({"protocol":1,"credit":4,"access_control":true,"wizard_version":1,)"
                            R"("wizard":)" +
                                test_wizard + "}"));
  for (;;) {  // the support_request, after whatever else the client sends first
    auto e = server_.next(30s);
    ASSERT_TRUE(e && e->what == event_kind::message) << client_->output();
    const auto m = protocol::parse_message(e->bytes);
    ASSERT_TRUE(m.has_value());
    ASSERT_EQ(m->hdr.sequence, next_in_);
    ++next_in_;
    if (m->hdr.type == protocol::request_type::support_request) break;
  }
  server_.send(json_message(
      protocol::request_type::request_filed, next_out_++,
      R"({"request_id":")" + request_id + R"(","queue":"general","technician":null})"));
  server_.send(json_message(message_type::viewers, next_out_++, R"({"count":1})"));
  ASSERT_TRUE(client_->wait_for_output("support request " + request_id, 10s)) << client_->output();

  // 1. Only the shared window, and the scope says so.
  long shown = 0;
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }, &shown)) << client_->output();
  ASSERT_TRUE(scope_.has_value());
  EXPECT_EQ(scope_->kind, protocol::scope_kind::window);
  EXPECT_EQ(scope_->title, "Shared App");
  EXPECT_EQ(scope_->state, protocol::window_state::visible);
  EXPECT_EQ(shown, 200L * 140L);

  // 2. It moves: the picture follows.
  windows_.move(shared_id_, 200, 10);
  ASSERT_TRUE(pump_until([&] { return windows_.client_rect(shared_id_)->x >= 150; }, 5s));
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }, &shown));
  EXPECT_EQ(shown, 200L * 140L);
  // ... and it is resized: so does the picture.
  windows_.resize(shared_id_, 240, 150);  // still clear of the other window
  ASSERT_TRUE(pump_until([&] { return windows_.client_rect(shared_id_)->w == 240; }, 5s));
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }, &shown));
  EXPECT_EQ(shown, 240L * 150L);

  // 3. The other window comes to the front over part of it: that part is black.
  windows_.activate(secret_id_);
  windows_.move(secret_id_, 120, 60);
  ASSERT_TRUE(pump_until([&] { return windows_.focus() == secret_id_; }, 5s));
  ASSERT_TRUE(pump_until([&] { return windows_.client_rect(secret_id_)->x <= 130; }, 5s));
  ASSERT_TRUE(wait_picture([&] { return shared_region(true); }, &shown)) << client_->output();
  EXPECT_GT(shown, 1000L);
  EXPECT_LT(shown, 200L * 140L - 1000L);

  // 4. Input: granted, then clicks outside (on the other window) are refused, inside injected.
  server_.send(json_message(protocol::control_type::control_request, next_out_++,
                            R"({"technician":{"id":"tech-7","name":"Grace"}})"));
  ASSERT_TRUE(client_->wait_for_output("asks for control", 5s)) << client_->output();
  ASSERT_EQ(run_ctl(ctl_path_, "grant").first, 0);
  ASSERT_TRUE(client_->wait_for_output("full_access for Grace", 5s)) << client_->output();
  const x_rect sc = *windows_.client_rect(secret_id_);
  const auto out_x = static_cast<std::uint16_t>(sc.x + sc.w / 2);
  const auto out_y = static_cast<std::uint16_t>(sc.y + sc.h / 2);
  const x_rect shc = *windows_.client_rect(shared_id_);
  const auto in_x = static_cast<std::uint16_t>(shc.x + shc.w - 10);
  const auto in_y = static_cast<std::uint16_t>(shc.y + 10);
  ASSERT_TRUE(shared_region(true)(in_x, in_y));
  ASSERT_FALSE(shared_region(true)(out_x, out_y));
  using protocol::input_kind;
  send_input({{input_kind::pointer_move, out_x, out_y},
              {input_kind::button, out_x, out_y, 1, true},
              {input_kind::button, out_x, out_y, 1, false}});
  ASSERT_TRUE(client_->wait_for_output("input refused outside the shared window: ", 5s))
      << client_->output();
  send_input({{input_kind::pointer_move, in_x, in_y},
              {input_kind::button, in_x, in_y, 1, true},
              {input_kind::button, in_x, in_y, 1, false}});
  ASSERT_TRUE(shared->wait_for_output(
      "button_press 1 " + std::to_string(in_x) + " " + std::to_string(in_y), 5s))
      << shared->output() << client_->output();
  EXPECT_EQ(secret->count_output("button_press"), 0) << secret->output();

  // Keys while the other window has the focus: refused. The click raised the shared window.
  windows_.activate(secret_id_);
  ASSERT_TRUE(pump_until([&] { return windows_.focus() == secret_id_; }, 5s));
  const std::uint16_t key_q = *protocol::key_code_index("KeyQ");
  const std::uint16_t key_b = *protocol::key_code_index("KeyB");
  send_input({{input_kind::key, 0, 0, 0, true, 0, 0, key_q},
              {input_kind::key, 0, 0, 0, false, 0, 0, key_q}});
  auto [code, status] = run_ctl(ctl_path_, "status");
  for (int i = 0; i < 50 && status.find("refused: 3 pointer, 2 keyboard") == std::string::npos;
       ++i) {
    std::this_thread::sleep_for(50ms);
    std::tie(code, status) = run_ctl(ctl_path_, "status");
  }
  EXPECT_NE(status.find("share: window 0x"), std::string::npos) << status;
  EXPECT_NE(status.find("\"Shared App\" visible"), std::string::npos) << status;
  EXPECT_NE(status.find("refused: 3 pointer, 2 keyboard"), std::string::npos) << status;
  EXPECT_EQ(secret->count_output("key_press"), 0) << secret->output();
  windows_.activate(shared_id_);
  ASSERT_TRUE(pump_until([&] { return windows_.focus() == shared_id_; }, 5s));
  send_input({{input_kind::key, 0, 0, 0, true, 0, 0, key_b},
              {input_kind::key, 0, 0, 0, false, 0, 0, key_b}});
  ASSERT_TRUE(shared->wait_for_output("key_press b", 5s)) << shared->output() << client_->output();
  EXPECT_EQ(secret->count_output("key_press"), 0) << secret->output();
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }));

  // 5. Minimised: all black, and the technician is told.
  windows_.iconify(shared_id_);
  ASSERT_TRUE(
      pump_until([&] { return scope_ && scope_->state == protocol::window_state::minimised; }, 10s))
      << client_->output();
  ASSERT_TRUE(wait_picture([] { return region_fn([](int, int) { return false; }); }));
  ASSERT_TRUE(client_->wait_for_output("is now minimised", 5s)) << client_->output();
  // And back.
  windows_.activate(shared_id_);
  ASSERT_TRUE(
      pump_until([&] { return scope_ && scope_->state == protocol::window_state::visible; }, 10s));
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }));

  // 6. The customer shares the desktop again (locally): no scope, the whole screen.
  EXPECT_GT(frames_, 5);
  check_secret_ = false;
  auto [rc, out] = run_ctl(ctl_path_, "share desktop");
  EXPECT_EQ(rc, 0) << out;
  ASSERT_TRUE(pump_until([&] { return !scope_.has_value(); }, 10s));
  ASSERT_TRUE(wait_picture([] { return region_fn([](int, int) { return true; }); }));
  // ... and one window again, by id.
  char id[32];
  std::snprintf(id, sizeof id, "0x%lx", shared_id_);
  std::tie(rc, out) = run_ctl(ctl_path_, std::string("share window ") + id);
  EXPECT_EQ(rc, 0) << out;
  check_secret_ = true;
  ASSERT_TRUE(pump_until([&] { return scope_.has_value(); }, 10s));
  ASSERT_TRUE(wait_picture([&] { return shared_region(false); }));
  std::tie(rc, out) = run_ctl(ctl_path_, "share window \"No Such Window\"");
  EXPECT_EQ(rc, 1) << out;
  EXPECT_NE(out.find("error no window is named"), std::string::npos) << out;

  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(window_share_session, a_window_that_does_not_exist_is_a_clear_error) {
  client_ = std::make_unique<child_process>(std::vector<std::string>{
      VISIT_CLIENT_BIN, "--headless", "--server",
      "https://127.0.0.1:" + std::to_string(server_.port()), "--pin",
      net::to_hex(identity_.fingerprint), "--name", "Ada", "--display", x_.name(), "--ctl-socket",
      ctl_path_, "--share-window-name", "Nothing Like It"});
  ASSERT_TRUE(client_->wait_for_output("cannot share the window: no window is named", 10s))
      << client_->output();
  std::this_thread::sleep_for(500ms);  // it exits by itself; the signal only reaps it
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(2)) << client_->output();
  EXPECT_FALSE(server_.next(300ms).has_value());  // it never connected
}

}  // namespace
}  // namespace visit::client
