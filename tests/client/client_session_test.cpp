// The real visit-client binary, on an Xvfb of its own, against a fake server that speaks the
// customer side of the protocol: hello with the wizard, support_request and request_filed
// (answers from flags and a file, --leave-out, --review, --code, resume), viewers, frames
// decoded and compared with what the test painted, the credit window, reconnects, refusal of
// invalid input, and the normal close on SIGTERM.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <boost/json/parse.hpp>
#include <boost/json/serialize.hpp>
#include <csignal>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>

#include "child_process.hpp"
#include "client/headless_wizard.hpp"
#include "codec/tile_codec.hpp"
#include "fake_visit_server.hpp"
#include "protocol/control.hpp"
#include "protocol/message.hpp"
#include "test_pki.hpp"
#include "wizard/wizard.hpp"
#include "x_paint.hpp"
#include "xvfb_display.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using protocol::message_type;
using testing::child_process;
using testing::fake_visit_server;
using event_kind = fake_visit_server::event::kind;

constexpr int screen_w = 320, screen_h = 240;
const std::string request_a = "00112233445566778899aabbccddeeff";
const std::string request_b = "ffeeddccbbaa99887766554433221100";
const std::string token_a = "0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f0f";

// The fake server's wizard: two cheap, real collectors.
const std::string test_wizard = R"json({"title": "Test desk", "summary_question": "summary",
 "pages": [{"id": "p", "title": "Problem", "questions": [
   {"id": "topic", "label": "What is it about?", "type": "choice", "required": true,
    "options": [{"value": "printing", "label": "Printing"},
                {"value": "security", "label": "Security", "queue": "senior"}]},
   {"id": "summary", "label": "In one line", "type": "text", "required": true},
   {"id": "details", "label": "Anything else?", "type": "long_text"}]}],
 "collectors": [{"id": "os"}, {"id": "hardware"}, {"id": "config", "files": ["/etc/os-release"]}]})json";

void paint_root(const std::string& display, unsigned long rgb) {
  ASSERT_TRUE(testing::paint_root(display, rgb));
}

std::vector<std::uint8_t> json_message(message_type t, std::uint32_t seq, const std::string& json) {
  return protocol::make_json_message(t, seq, protocol::now_us(), json);
}

std::string payload_text(const protocol::message_view& m) {
  return std::string(m.payload.begin(), m.payload.end());
}

class client_session_test : public ::testing::Test {
 protected:
  void start_client(std::vector<std::string> wizard_flags = {"--yes", "--answer", "topic=printing"},
                    bool terminal = false) {
    std::vector<std::string> argv{
        VISIT_CLIENT_BIN, "--headless", "--server",
        "https://127.0.0.1:" + std::to_string(server_.port()), "--pin",
        net::to_hex(identity_.fingerprint), "--name", "Ada", "--description", "printer is broken",
        "--display", x_.name(), "--ctl-socket", ctl_path_,
        // The logging sink: these tests check what is accepted, not what X receives.
        "--no-input"};
    argv.insert(argv.end(), wizard_flags.begin(), wizard_flags.end());
    client_ = std::make_unique<child_process>(std::move(argv), -1, terminal);
  }

  // The next event of `kind`, skipping none; fails the test on a timeout.
  fake_visit_server::event expect(event_kind kind, std::chrono::milliseconds timeout = 10s) {
    auto e = server_.next(timeout);
    EXPECT_TRUE(e.has_value()) << "no event; client output:\n"
                               << (client_ ? client_->output() : "");
    if (!e) return {};
    EXPECT_EQ(static_cast<int>(e->what), static_cast<int>(kind));
    return *e;
  }

  // The next message of type `type`, skipping cursor messages.
  std::vector<std::uint8_t> expect_message(message_type type,
                                           std::chrono::milliseconds timeout = 10s) {
    for (;;) {
      auto e = expect(event_kind::message, timeout);
      if (e.bytes.empty()) return {};
      const auto m = protocol::parse_message(e.bytes);
      EXPECT_TRUE(m.has_value());
      if (!m) return {};
      if (m->hdr.type == message_type::cursor_shape ||
          m->hdr.type == message_type::cursor_position ||
          (m->hdr.type == protocol::control_type::access_state && type != m->hdr.type)) {
        EXPECT_EQ(m->hdr.sequence, next_in_);
        ++next_in_;
        continue;
      }
      EXPECT_EQ(m->hdr.type, type);
      EXPECT_EQ(m->hdr.sequence, next_in_);
      ++next_in_;
      return e.bytes;
    }
  }

  // Opened, the client's hello checked and returned (its JSON), the server's hello with the
  // test wizard sent.
  std::string open_and_welcome(const std::string& extra = R"(,"access_control":false)") {
    const auto opened = expect(event_kind::opened);
    EXPECT_EQ(opened.target, "/ws/customer");
    next_in_ = 1;
    next_out_ = 1;
    const auto hello = expect_message(message_type::hello);
    const auto m = protocol::parse_message(hello);
    EXPECT_TRUE(m.has_value());
    if (!m) return {};
    const std::string json = payload_text(*m);
    EXPECT_NE(json.find(R"("protocol":1)"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("role":"customer")"), std::string::npos) << json;
    EXPECT_NE(json.find(R"("client":"visit-client/)"), std::string::npos) << json;
    server_.send(json_message(
        message_type::hello, next_out_++,
        R"({"protocol":1,"credit":4,"wizard_version":5,"wizard":)" + test_wizard + extra + "}"));
    return json;
  }

  // The support_request's payload, exactly as received.
  std::string expect_support_request() {
    const auto bytes = expect_message(protocol::request_type::support_request, 30s);
    const auto m = protocol::parse_message(bytes);
    EXPECT_TRUE(m.has_value());
    return m ? payload_text(*m) : std::string();
  }

  void file_request(const std::string& request_id, const std::string& technician = "null") {
    server_.send(json_message(protocol::request_type::request_filed, next_out_++,
                              R"({"request_id":")" + request_id +
                                  R"(","queue":"general","technician":)" + technician +
                                  R"(,"resume_token":")" + token_a + "\"}"));
  }

  // The whole front door: hello, wizard, support_request, request_filed, viewers.
  void handshake(const std::string& request_id, int viewers, bool access_control = false) {
    open_and_welcome(access_control ? R"(,"access_control":true)" : "");
    last_request_ = expect_support_request();
    const auto request = boost::json::parse(last_request_);
    EXPECT_EQ(request.at("name"), "Ada");
    EXPECT_EQ(request.at("wizard_version"), 5);
    EXPECT_EQ(request.at("answers").at("summary"), "printer is broken");  // --description
    file_request(request_id);
    server_.send(json_message(message_type::viewers, next_out_++,
                              R"({"count":)" + std::to_string(viewers) + "}"));
    ASSERT_TRUE(client_->wait_for_output("support request " + request_id + "\n", 10s))
        << client_->output();
  }

  // Every remaining event until the connection closes: none may be a support_request.
  void expect_no_support_request_until_closed() {
    for (;;) {
      auto e = server_.next(15s);
      ASSERT_TRUE(e.has_value()) << client_->output();
      if (e->what == event_kind::closed) return;
      const auto m = protocol::parse_message(e->bytes);
      ASSERT_TRUE(m.has_value());
      EXPECT_NE(m->hdr.type, protocol::request_type::support_request);
    }
  }

  void set_viewers(int n) {
    server_.send(
        json_message(message_type::viewers, next_out_++, R"({"count":)" + std::to_string(n) + "}"));
  }
  void ack(std::uint32_t frame_sequence) {
    server_.send(protocol::make_frame_ack(next_out_++, protocol::now_us(), frame_sequence));
  }

  // Decodes a frame message into `screen_`; returns its sequence and tile count.
  std::pair<std::uint32_t, std::size_t> apply(const std::vector<std::uint8_t>& bytes) {
    const auto m = protocol::parse_message(bytes);
    EXPECT_TRUE(m.has_value());
    if (!m) return {0, 0};
    const auto tiles = protocol::parse_frame(m->payload, screen_.width, screen_.height);
    EXPECT_TRUE(tiles.has_value());
    if (!tiles) return {0, 0};
    EXPECT_TRUE(codec::apply_frame(*tiles, screen_).has_value());
    return {m->hdr.sequence, tiles->size()};
  }

  // Every pixel of the decoded screen is `rgb`.
  bool screen_is(unsigned long rgb) const {
    const std::uint8_t b = rgb & 0xff, g = (rgb >> 8) & 0xff, r = (rgb >> 16) & 0xff;
    for (std::size_t i = 0; i < screen_.pixels.size(); i += 4) {
      if (screen_.pixels[i] != b || screen_.pixels[i + 1] != g || screen_.pixels[i + 2] != r) {
        return false;
      }
    }
    return true;
  }

  static std::string make_ctl_dir() {
    char tmpl[] = "/tmp/visit-ctl-test-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    return dir != nullptr ? dir : "/tmp";
  }
  ~client_session_test() override {
    client_.reset();
    std::filesystem::remove_all(ctl_dir_);
  }

  std::string ctl_dir_ = make_ctl_dir();
  std::string ctl_path_ = ctl_dir_ + "/ctl.sock";
  testing::xvfb_display x_{VISIT_XVFB_PATH};
  testing::test_pki pki_;
  testing::test_identity identity_ = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  fake_visit_server server_{identity_};
  std::unique_ptr<child_process> client_;
  std::uint32_t next_in_ = 1, next_out_ = 1;
  std::string last_request_;  // the payload of the last support_request
  frame_buffer screen_{screen_w, screen_h};
};

TEST_F(client_session_test, session_with_frames_credit_window_and_a_normal_close_on_sigterm) {
  paint_root(x_.name(), 0x000000);
  start_client();
  handshake(request_a, 0);

  // Nobody watches: nothing is captured or sent. Then a technician joins.
  std::this_thread::sleep_for(300ms);
  const std::uint64_t joined_us = protocol::now_us();
  set_viewers(1);
  const auto info = expect_message(message_type::screen_info);
  const auto info_view = protocol::parse_message(info);
  ASSERT_TRUE(info_view.has_value());
  EXPECT_EQ(payload_text(*info_view), R"({"width":320,"height":240,"cell":64})");
  EXPECT_GE(info_view->hdr.timestamp_us, joined_us);
  const auto first = expect_message(message_type::frame);
  auto [seq, tiles] = apply(first);
  EXPECT_EQ(tiles, 5u * 4u);  // the whole screen
  EXPECT_TRUE(screen_is(0x000000));
  ack(seq);

  // A change arrives as a frame with the new content.
  paint_root(x_.name(), 0x2d4a63);
  std::tie(seq, tiles) = apply(expect_message(message_type::frame));
  EXPECT_TRUE(screen_is(0x2d4a63));

  // Without acks the client stops at 4 unacknowledged frames, however much changes.
  std::uint32_t last_seq = seq;
  int unacked = 1;
  const unsigned long colours[] = {0x110000, 0x220000, 0x330000, 0x440000,
                                   0x550000, 0x660000, 0x770000, 0x880000};
  for (const auto c : colours) {
    paint_root(x_.name(), c);
    std::this_thread::sleep_for(60ms);
  }
  for (;;) {
    auto e = server_.next(700ms);
    if (!e) break;
    ASSERT_EQ(e->what, event_kind::message);
    const auto m = protocol::parse_message(e->bytes);
    ASSERT_TRUE(m.has_value());
    ASSERT_EQ(m->hdr.sequence, next_in_++);
    if (m->hdr.type != message_type::frame) continue;
    apply(e->bytes);
    last_seq = m->hdr.sequence;
    ++unacked;
  }
  EXPECT_EQ(unacked, 4);
  // Credit back: one frame with the latest content of everything that changed meanwhile.
  ack(last_seq);
  std::tie(seq, tiles) = apply(expect_message(message_type::frame));
  EXPECT_EQ(tiles, 5u * 4u);
  EXPECT_TRUE(screen_is(0x880000));
  ack(seq);
  EXPECT_FALSE(server_.next(300ms).has_value());  // and nothing after it

  // SIGTERM: a normal WebSocket close, exit status 0.
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
  const auto closed = expect(event_kind::closed);
  EXPECT_EQ(closed.close_code, 1000);
}

TEST_F(client_session_test, reconnects_with_backoff_after_the_server_closes) {
  start_client();
  handshake(request_a, 1);
  expect_message(message_type::screen_info);
  expect_message(message_type::frame);
  server_.close(1001);
  expect(event_kind::closed);
  ASSERT_TRUE(client_->wait_for_output("connection lost: ", 5s)) << client_->output();
  ASSERT_TRUE(client_->wait_for_output("reconnecting in 0.", 5s)) << client_->output();
  // A new connection starts over: hello, then screen_info and the whole screen again.
  handshake(request_b, 1);
  expect_message(message_type::screen_info);
  const auto [seq, tiles] = apply(expect_message(message_type::frame));
  EXPECT_EQ(tiles, 5u * 4u);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, invalid_server_input_is_refused_with_a_close_reason) {
  start_client();
  handshake(request_a, 0);
  // An ack for a frame that was never sent.
  ack(77);
  const auto reason = expect_message(message_type::close_reason);
  const auto m = protocol::parse_message(reason);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(payload_text(*m).find(R"("code":"protocol_error")"), std::string::npos);
  EXPECT_EQ(expect(event_kind::closed).close_code, 1008);
  ASSERT_TRUE(client_->wait_for_output("protocol error from the server: ", 5s));
  // And it comes back, as after any other failure.
  expect(event_kind::opened);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, a_server_that_speaks_another_version_gets_version_mismatch) {
  start_client();
  expect(event_kind::opened);
  expect_message(message_type::hello);
  server_.send(json_message(message_type::hello, 1, R"({"protocol":2})"));
  const auto reason = expect_message(message_type::close_reason);
  const auto m = protocol::parse_message(reason);
  ASSERT_TRUE(m.has_value());
  EXPECT_NE(payload_text(*m).find(R"("code":"version_mismatch")"), std::string::npos);
  EXPECT_EQ(client_->count_output("support request"), 0);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

// `visit-client ctl ARGS --socket PATH`: its exit status and output.
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

std::string access_state_text(const std::vector<std::uint8_t>& bytes) {
  const auto m = protocol::parse_message(bytes);
  return m ? payload_text(*m) : std::string();
}

TEST_F(client_session_test, control_is_granted_and_revoked_only_through_the_local_socket) {
  start_client();
  handshake(request_a, 0, true);
  // Every connection starts Read-Only, and says so.
  EXPECT_EQ(access_state_text(expect_message(protocol::control_type::access_state)),
            R"({"mode":"read_only","controller":null,"reason":"initial"})");
  // The socket is this user's only.
  struct stat st {};
  ASSERT_EQ(lstat(ctl_path_.c_str(), &st), 0);
  EXPECT_TRUE(S_ISSOCK(st.st_mode));
  EXPECT_EQ(st.st_mode & 0777, 0600u);

  auto [code, out] = run_ctl(ctl_path_, "grant");
  EXPECT_EQ(code, 1) << out;
  EXPECT_EQ(out, "error nobody asked for control\n");

  // Input before any grant is dropped.
  const std::vector<protocol::input_event> keys = {
      {protocol::input_kind::key, 0, 0, 0, true, 0, 0, 1}};
  server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", keys));
  ASSERT_TRUE(client_->wait_for_output("dropped 1 input events from tech-7", 5s))
      << client_->output();

  server_.send(json_message(protocol::control_type::control_request, next_out_++,
                            R"({"technician":{"id":"tech-7","name":"Grace"}})"));
  ASSERT_TRUE(client_->wait_for_output(
      "technician Grace asks for control; run: visit-client ctl grant\n", 5s))
      << client_->output();
  EXPECT_NE(access_state_text(expect_message(protocol::control_type::access_state))
                .find(R"("pending":[{"id":"tech-7","name":"Grace"}])"),
            std::string::npos);
  std::tie(code, out) = run_ctl(ctl_path_, "status");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out, "mode: requested\ncontroller: none\npending: Grace (tech-7)\ndropped: 1\nok\n");

  std::tie(code, out) = run_ctl(ctl_path_, "grant");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(out, "ok full access granted to Grace (tech-7)\n");
  EXPECT_EQ(
      access_state_text(expect_message(protocol::control_type::access_state)),
      R"({"mode":"full_access","controller":{"id":"tech-7","name":"Grace"},"reason":"granted"})");

  // The controller's input reaches the sink; another technician's does not.
  server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", keys));
  ASSERT_TRUE(client_->wait_for_output("input: key KeyA down\n", 5s)) << client_->output();
  server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-9", keys));
  ASSERT_TRUE(client_->wait_for_output("dropped 1 input events from tech-9", 5s))
      << client_->output();
  EXPECT_EQ(client_->count_output("input: key KeyA down"), 1);
  std::tie(code, out) = run_ctl(ctl_path_, "status");
  EXPECT_NE(out.find("mode: full_access\ncontroller: Grace (tech-7)\n"), std::string::npos) << out;

  std::tie(code, out) = run_ctl(ctl_path_, "revoke");
  EXPECT_EQ(code, 0) << out;
  EXPECT_EQ(access_state_text(expect_message(protocol::control_type::access_state)),
            R"({"mode":"read_only","controller":null,"reason":"revoked"})");
  ASSERT_TRUE(client_->wait_for_output("input: release_all\n", 5s)) << client_->output();
  server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", keys));
  ASSERT_TRUE(client_->wait_for_output("dropped 1 input events from tech-7 (3 in all)", 5s))
      << client_->output();

  std::tie(code, out) = run_ctl(ctl_path_, "dance");
  EXPECT_EQ(code, 2);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
  EXPECT_NE(lstat(ctl_path_.c_str(), &st), 0);  // removed on exit
  std::tie(code, out) = run_ctl(ctl_path_, "status");
  EXPECT_EQ(code, 3);
}

TEST_F(client_session_test, a_reconnect_does_not_restore_full_access) {
  start_client();
  handshake(request_a, 0, true);
  expect_message(protocol::control_type::access_state);
  server_.send(json_message(protocol::control_type::control_request, next_out_++,
                            R"({"technician":{"id":"tech-7","name":"Grace"}})"));
  expect_message(protocol::control_type::access_state);
  ASSERT_EQ(run_ctl(ctl_path_, "grant").first, 0);
  expect_message(protocol::control_type::access_state);
  server_.close(1001);
  expect(event_kind::closed);
  ASSERT_TRUE(client_->wait_for_output("access: read_only (disconnect)", 5s)) << client_->output();
  handshake(request_b, 0, true);
  EXPECT_EQ(access_state_text(expect_message(protocol::control_type::access_state)),
            R"({"mode":"read_only","controller":null,"reason":"initial"})");
  const std::vector<protocol::input_event> keys = {
      {protocol::input_kind::key, 0, 0, 0, true, 0, 0, 1}};
  server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", keys));
  ASSERT_TRUE(client_->wait_for_output("dropped 1 input events from tech-7", 5s));
  EXPECT_EQ(client_->count_output("input: key"), 0);
  EXPECT_EQ(run_ctl(ctl_path_, "grant").first, 1);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, the_control_socket_refuses_other_users) {
  if (geteuid() != 0) GTEST_SKIP() << "needs root to connect as another uid";
  start_client();
  handshake(request_a, 0, true);
  ASSERT_TRUE(client_->wait_for_output("control socket " + ctl_path_, 5s));
  // A child that becomes nobody and asks for status: the directory (0700) stops it first;
  // with the directory opened up, the peer check does.
  ASSERT_EQ(chmod(ctl_dir_.c_str(), 0755), 0);
  ASSERT_EQ(chmod(ctl_path_.c_str(), 0666), 0);
  const pid_t pid = fork();
  if (pid == 0) {
    if (setgid(65534) != 0 || setuid(65534) != 0) _exit(10);
    const std::string cmd =
        std::string(VISIT_CLIENT_BIN) + " ctl status --socket " + ctl_path_ + " > /dev/null 2>&1";
    _exit(WEXITSTATUS(std::system(cmd.c_str())));
  }
  int status = 0;
  waitpid(pid, &status, 0);
  ASSERT_TRUE(WIFEXITED(status));
  EXPECT_EQ(WEXITSTATUS(status), 1);  // connected, but no "ok" reply
  ASSERT_TRUE(
      client_->wait_for_output("control socket: refused a connection from another user", 5s))
      << client_->output();
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

// ---- the front door (docs/protocol.md §3.1, §3.4) ----

TEST_F(client_session_test, front_door_with_answers_from_a_file_and_flags_and_the_review) {
  const std::string answers_path = ctl_dir_ + "/answers.json";
  std::ofstream(answers_path) << R"({"topic": "security", "summary": "from the file",
                                      "details": "line one\nline two"})";
  // --answer wins over the file; --description fills the summary unless --answer does.
  start_client({"--yes", "--review", "--answers", answers_path, "--answer", "topic=printing"});
  open_and_welcome();
  const std::string payload = expect_support_request();
  const auto request = boost::json::parse(payload).as_object();
  EXPECT_EQ(request.at("answers"), (boost::json::object{{"topic", "printing"},
                                                        {"summary", "printer is broken"},
                                                        {"details", "line one\nline two"}}));
  EXPECT_EQ(request.at("collected").at("os").at("status"), "ok");
  EXPECT_EQ(request.at("collected").at("config").at("status"), "ok");
  // The shared display's monitors, from RandR (the test's Xvfb is 320x240).
  const auto& hardware = request.at("collected").at("hardware").at("data").as_object();
  ASSERT_TRUE(hardware.contains("displays")) << boost::json::serialize(hardware);
  ASSERT_EQ(hardware.at("displays").as_array().size(), 1u);
  EXPECT_EQ(hardware.at("displays").at(0).at("width"), screen_w);
  EXPECT_EQ(hardware.at("displays").at(0).at("height"), screen_h);
  // --review printed exactly this payload.
  const auto definition = boost::json::parse(test_wizard).as_object();
  EXPECT_TRUE(client_->wait_for_output(render_review(definition, request), 5s))
      << client_->output();
  EXPECT_EQ(client_->count_output("collecting os ..."), 1);
  file_request(request_a);
  ASSERT_TRUE(client_->wait_for_output("Your request is queued in general\n", 10s))
      << client_->output();
  set_viewers(1);
  expect_message(message_type::screen_info);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, on_a_terminal_the_client_asks_reviews_and_lets_items_be_left_out) {
  start_client({}, true);  // no --yes, no --review: a terminal means review
  open_and_welcome();
  ASSERT_TRUE(client_->wait_for_output(
      "What is it about?\n  1) Printing\n  2) Security\nChoose 1-2: ", 10s))
      << client_->output();
  client_->type("2\n");
  ASSERT_TRUE(client_->wait_for_output("Send this? [y]es / [n]o / [l]eave out items: ", 20s))
      << client_->output();
  client_->type("l\n");
  ASSERT_TRUE(client_->wait_for_output("Which items should not be sent?", 10s))
      << client_->output();
  client_->type("config\n");
  for (int i = 0; i < 200 && client_->count_output("Send this?") < 2; ++i)
    std::this_thread::sleep_for(50ms);
  ASSERT_EQ(client_->count_output("Send this?"), 2) << client_->output();
  client_->type("y\n");
  const std::string payload = expect_support_request();
  const auto request = boost::json::parse(payload).as_object();
  EXPECT_EQ(request.at("answers").at("topic"), "security");
  EXPECT_EQ(request.at("collected").at("config"), (boost::json::object{{"status", "left_out"}}));
  const auto definition = boost::json::parse(test_wizard).as_object();
  EXPECT_EQ(client_->count_output(render_review(definition, request)), 1) << client_->output();
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, leave_out_items_never_reach_the_server) {
  start_client({"--yes", "--answer", "topic=printing", "--leave-out", "config"});
  open_and_welcome();
  const std::string payload = expect_support_request();
  const auto request = boost::json::parse(payload).as_object();
  EXPECT_EQ(request.at("collected").at("config"), (boost::json::object{{"status", "left_out"}}));
  EXPECT_EQ(payload.find("os-release"), std::string::npos) << payload;
  EXPECT_EQ(request.at("collected").at("os").at("status"), "ok");
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, without_a_terminal_or_yes_nothing_is_sent) {
  start_client({"--answer", "topic=printing"});
  open_and_welcome();
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(2)) << client_->output();
  expect_no_support_request_until_closed();
  EXPECT_EQ(client_->count_output("nothing is sent before you confirm: run with --review on a "
                                  "terminal or with --yes"),
            1)
      << client_->output();
  EXPECT_EQ(client_->count_output("collecting"), 0);
}

TEST_F(client_session_test, invalid_answers_exit_2_with_each_problem) {
  start_client({"--yes", "--answer", "topic=fax", "--answer", "colour=red"});
  open_and_welcome();
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(2)) << client_->output();
  expect_no_support_request_until_closed();
  EXPECT_EQ(client_->count_output("answers.topic: must be one of printing, security\n"), 1)
      << client_->output();
  EXPECT_EQ(client_->count_output("answers.colour: no such question\n"), 1);
}

TEST_F(client_session_test, a_bad_wizard_from_the_server_is_refused) {
  start_client();
  expect(event_kind::opened);
  expect_message(message_type::hello);
  std::string bad = test_wizard;
  bad.replace(bad.find(R"("type": "text")"), 14, R"("type": "essay")");
  server_.send(json_message(message_type::hello, 1,
                            R"({"protocol":1,"wizard_version":2,"wizard":)" + bad + "}"));
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(4)) << client_->output();
  expect_no_support_request_until_closed();
  EXPECT_EQ(
      client_->count_output("pages[0].questions[1].type: must be one of text, long_text, choice"),
      1)
      << client_->output();
}

TEST_F(client_session_test, a_session_code_is_sent_and_a_refusal_ends_the_client) {
  start_client({"--yes", "--answer", "topic=printing", "--code", "482-913 205"});
  expect(event_kind::opened);
  const auto hello_bytes = expect_message(message_type::hello);  // the view points into it
  const auto hello = protocol::parse_message(hello_bytes);
  ASSERT_TRUE(hello.has_value());
  EXPECT_NE(payload_text(*hello).find(R"("code":"482913205")"), std::string::npos)
      << payload_text(*hello);
  server_.send(json_message(message_type::close_reason, 1,
                            R"({"code":"code_refused","message":"no such code"})"));
  server_.close(1008);
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(3)) << client_->output();
  EXPECT_EQ(client_->count_output("the session code was not accepted (wrong, expired or "
                                  "already used): ask the technician for a new one"),
            2)  // when it happens, and as the exit reason
      << client_->output();
  EXPECT_EQ(client_->count_output("connecting to"), 1);  // no retry with a used code
}

TEST_F(client_session_test, a_code_request_reaches_its_technician_directly) {
  start_client({"--yes", "--answer", "topic=printing", "--code", "482913205"});
  open_and_welcome(R"(,"paired_with":{"id":"t-7","name":"Grace"})");
  ASSERT_TRUE(client_->wait_for_output("paired with technician Grace\n", 10s));
  expect_support_request();
  file_request(request_a, R"({"id":"t-7","name":"Grace"})");
  ASSERT_TRUE(client_->wait_for_output("You are connected to technician Grace\n", 10s))
      << client_->output();
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, resume_after_a_drop_reattaches_with_the_same_payload) {
  start_client();
  handshake(request_a, 1);
  const std::string first = last_request_;
  expect_message(message_type::screen_info);
  server_.close(1001);
  for (;;) {  // frames may still be on their way
    auto e = server_.next(10s);
    ASSERT_TRUE(e.has_value()) << client_->output();
    if (e->what == event_kind::closed) break;
  }
  // The new connection names the filed request and resends the confirmed payload unchanged;
  // the wizard does not run again.
  const std::string hello = open_and_welcome();
  EXPECT_NE(
      hello.find(R"("resume":{"request_id":")" + request_a + R"(","token":")" + token_a + "\"}"),
      std::string::npos)
      << hello;
  EXPECT_EQ(expect_support_request(), first);
  file_request(request_a);
  set_viewers(1);
  expect_message(message_type::screen_info);
  EXPECT_EQ(client_->count_output("collecting os ..."), 1);
  EXPECT_EQ(client_->count_output("support request " + request_a + "\n"), 2);
  EXPECT_EQ(client_->stop(SIGTERM, 10s), std::optional<int>(0)) << client_->output();
}

TEST_F(client_session_test, resolved_ends_the_client_without_a_retry) {
  start_client();
  handshake(request_a, 0);
  server_.send(json_message(message_type::close_reason, next_out_++,
                            R"({"code":"resolved","message":"done"})"));
  server_.close(1000);
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(0)) << client_->output();
  EXPECT_EQ(client_->count_output("your request was resolved"), 2) << client_->output();
  EXPECT_EQ(client_->count_output("connecting to"), 1);
}

TEST_F(client_session_test, invalid_request_ends_the_client) {
  start_client();
  open_and_welcome();
  expect_support_request();
  server_.send(json_message(message_type::close_reason, next_out_++,
                            R"({"code":"invalid_request","message":"answers.topic: required"})"));
  server_.close(1008);
  EXPECT_EQ(client_->stop(0, 20s), std::optional<int>(4)) << client_->output();
  EXPECT_EQ(client_->count_output("the server refused the request: answers.topic: required"), 2)
      << client_->output();
}

}  // namespace
}  // namespace visit::client
