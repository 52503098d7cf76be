// The customer's X server goes away under a running visit-client (logout, a crash): the real
// binary, with injection, the clipboard and (in Full-Access) the local input monitor, on an
// Xvfb of its own against the fake server. Xvfb is killed (SIGKILL or SIGTERM) at a random
// moment of a random phase, many rounds; every time the client must exit within 5 s with
// exit code 5 and say why, and the server must see the customer leave (access_state back to
// Read-Only when it was in Full-Access, close_reason customer_left, a normal close).
//
// Randomness is seeded; the seed is printed and VISIT_X_GONE_SEED replays it.
// VISIT_X_GONE_ROUNDS sets the rounds of each test (default 20); VISIT_X_GONE_CLIENT runs
// another visit-client binary (an older build, to compare). A client that does not end
// is dumped with gdb (when found) before it is killed, so a hang shows where it waits.
#include <gtest/gtest.h>
#include <sys/wait.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <random>
#include <stdexcept>
#include <string>
#include <vector>

#include "child_process.hpp"
#include "fake_visit_server.hpp"
#include "protocol/control.hpp"
#include "protocol/message.hpp"
#include "test_pki.hpp"
#include "x_paint.hpp"
#include "xvfb_display.hpp"

namespace visit::client {
namespace {

using namespace std::chrono_literals;
using protocol::message_type;
using testing::child_process;
using testing::fake_visit_server;
using event_kind = fake_visit_server::event::kind;
using clock_type = std::chrono::steady_clock;

constexpr int exit_display_gone = 5;  // docs/operations.md, visit-client exit codes
constexpr auto exit_budget = 5s;      // from the kill to the client's exit

const std::string wizard = R"json({"title": "Desk", "summary_question": "summary",
 "pages": [{"id": "p", "title": "Problem", "questions": [
   {"id": "summary", "label": "In one line", "type": "text", "required": true}]}],
 "collectors": [{"id": "os"}]})json";

// Where a round is when Xvfb dies.
enum class phase {
  starting,     // the client is still opening its display and connecting
  queued,       // filed, nobody watching: the capture thread sleeps
  watched,      // a viewer: frames are captured and sent
  full_access,  // granted, a key held down, the screen changing
};
const char* name(phase p) {
  switch (p) {
    case phase::starting:
      return "starting";
    case phase::queued:
      return "queued";
    case phase::watched:
      return "watched";
    case phase::full_access:
      return "full_access";
  }
  return "?";
}

unsigned seed_from_env() {
  if (const char* s = std::getenv("VISIT_X_GONE_SEED")) return static_cast<unsigned>(std::stoul(s));
  return std::random_device{}();
}
std::string client_bin() {
  const char* other = std::getenv("VISIT_X_GONE_CLIENT");
  return other != nullptr && *other != '\0' ? other : VISIT_CLIENT_BIN;
}
int rounds_from_env() {
  if (const char* s = std::getenv("VISIT_X_GONE_ROUNDS")) return std::max(1, std::atoi(s));
  return 20;
}

std::string payload_text(const std::vector<std::uint8_t>& bytes) {
  const auto m = protocol::parse_message(bytes);
  return m ? std::string(m->payload.begin(), m->payload.end()) : std::string();
}

std::pair<int, std::string> run_command(const std::string& cmd) {
  FILE* p = popen(cmd.c_str(), "r");
  if (p == nullptr) return {-1, ""};
  std::string out;
  char buf[512];
  while (const std::size_t n = std::fread(buf, 1, sizeof buf, p)) out.append(buf, n);
  const int status = pclose(p);
  return {WIFEXITED(status) ? WEXITSTATUS(status) : -1, out};
}

// Every thread's stack of a process that should have ended (empty without gdb).
std::string backtraces(pid_t pid) {
#ifdef VISIT_GDB_PATH
  return run_command(std::string(VISIT_GDB_PATH) + " -p " + std::to_string(pid) +
                     " -batch -ex 'thread apply all bt' 2>&1")
      .second;
#else
  (void)pid;
  return {};
#endif
}

// One client on one Xvfb against one fake server.
class round_setup {
 public:
  round_setup() : ctl_dir_(make_dir()) {}
  ~round_setup() {
    client_.reset();
    x_.reset();
    std::filesystem::remove_all(ctl_dir_);
  }

  void start_client() {
    client_ = std::make_unique<child_process>(std::vector<std::string>{
        client_bin(), "--headless", "--server",
        "https://127.0.0.1:" + std::to_string(server_.port()), "--pin",
        net::to_hex(identity_.fingerprint), "--name", "Ada", "--description", "it broke", "--yes",
        "--display", x_->name(), "--ctl-socket", ctl_dir_ + "/ctl.sock"});
  }

  // hello, support_request, request_filed, viewers 0, and the initial access_state.
  bool file_request() {
    if (!expect(event_kind::opened)) return false;
    if (!expect_message(message_type::hello)) return false;
    send_json(message_type::hello, R"({"protocol":1,"credit":4,"wizard_version":1,"wizard":)" +
                                       wizard + R"(,"access_control":true})");
    if (!expect_message(protocol::request_type::support_request, 30s)) return false;
    send_json(protocol::request_type::request_filed,
              R"({"request_id":"00112233445566778899aabbccddeeff","queue":"general",)"
              R"("technician":null})");
    send_json(message_type::viewers, R"({"count":0})");
    return expect_message(protocol::control_type::access_state).has_value();
  }

  bool watch() {
    send_json(message_type::viewers,
              R"({"count":1,"technicians":[{"id":"tech-7","name":"Grace"}]})");
    return expect_message(message_type::frame, 10s).has_value();
  }

  // control_request, the local grant, and KeyA pressed (held) by the controller.
  bool grant_and_hold_a_key() {
    send_json(protocol::control_type::control_request,
              R"({"technician":{"id":"tech-7","name":"Grace"}})");
    if (!client_->wait_for_output("asks for control", 5s)) return false;
    const auto [code, out] =
        run_command(client_bin() + " ctl grant --socket " + ctl_dir_ + "/ctl.sock");
    if (code != 0) {
      ADD_FAILURE() << "ctl grant: " << out;
      return false;
    }
    if (!client_->wait_for_output("access: full_access", 5s)) return false;
    const std::vector<protocol::input_event> keys = {
        {protocol::input_kind::key, 0, 0, 0, true, 0, 0, 1}};
    server_.send(protocol::make_input(next_out_++, protocol::now_us(), "tech-7", keys));
    return true;
  }

  void paint(unsigned long rgb) { testing::paint_root(x_->name(), rgb); }

  // What the server received after the kill, until the connection closed: true when it saw
  // it close (close code in `close_code`), `read_only`/`customer_left` when it saw those.
  struct departure {
    bool closed = false;
    int close_code = -1;
    bool read_only = false;
    bool customer_left = false;
  };
  departure drain_until_closed(std::chrono::milliseconds timeout) {
    departure d;
    const auto deadline = clock_type::now() + timeout;
    while (!d.closed) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      if (left <= 0ms) break;
      auto e = server_.next(left);
      if (!e) break;
      if (e->what == event_kind::closed) {
        d.closed = true;
        d.close_code = e->close_code;
      } else if (e->what == event_kind::message) {
        const auto m = protocol::parse_message(e->bytes);
        if (!m) continue;
        const std::string text = payload_text(e->bytes);
        if (m->hdr.type == protocol::control_type::access_state &&
            text.find(R"("mode":"read_only")") != std::string::npos) {
          d.read_only = true;
        }
        if (m->hdr.type == message_type::close_reason &&
            text.find(R"("code":"customer_left")") != std::string::npos) {
          d.customer_left = true;
        }
      }
    }
    return d;
  }

  child_process& client() { return *client_; }
  testing::xvfb_display& x() { return *x_; }

 private:
  static std::string make_dir() {
    char tmpl[] = "/tmp/visit-x-gone-XXXXXX";
    const char* dir = mkdtemp(tmpl);
    return dir != nullptr ? dir : "/tmp";
  }

  // Killed servers leave stale lock files for a moment, and many Xvfb on this machine scan
  // from :0 (-displayfd) at the same time: two of them racing on a stale lock can end up on one
  // number. So these rounds keep to random numbers of their own, checked with a connection.
  static std::unique_ptr<testing::xvfb_display> start_xvfb() {
    static std::mt19937 pick(std::random_device{}());
    for (int attempt = 0; attempt < 10; ++attempt) {
      try {
        auto x = std::make_unique<testing::xvfb_display>(VISIT_XVFB_PATH, "320x240x24",
                                                         600 + static_cast<int>(pick() % 400));
        if (testing::paint_root(x->name(), 0x204060)) return x;
      } catch (const std::exception&) {
        // taken or not started: another number
      }
    }
    throw std::runtime_error("no Xvfb in 10 attempts");
  }

  bool expect(event_kind kind, std::chrono::milliseconds timeout = 10s) {
    auto e = server_.next(timeout);
    if (!e || e->what != kind) {
      ADD_FAILURE() << "expected event " << static_cast<int>(kind) << "; client output:\n"
                    << client_->output();
      return false;
    }
    return true;
  }

  // The next message of `type`, skipping the others (cursor, frames, access_state...).
  std::optional<std::vector<std::uint8_t>> expect_message(message_type type,
                                                          std::chrono::milliseconds timeout = 10s) {
    const auto deadline = clock_type::now() + timeout;
    for (;;) {
      const auto left =
          std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock_type::now());
      auto e = left > 0ms ? server_.next(left) : std::nullopt;
      if (!e || e->what != event_kind::message) {
        ADD_FAILURE() << "no message of type " << static_cast<int>(type) << "; client output:\n"
                      << client_->output();
        return std::nullopt;
      }
      const auto m = protocol::parse_message(e->bytes);
      if (m && m->hdr.type == type) return e->bytes;
    }
  }

  void send_json(message_type t, const std::string& json) {
    server_.send(protocol::make_json_message(t, next_out_++, protocol::now_us(), json));
  }

  std::string ctl_dir_;
  testing::test_pki pki_;
  testing::test_identity identity_ = pki_.make_leaf("server", {"IP:127.0.0.1"}, nullptr);
  fake_visit_server server_{identity_};
  std::unique_ptr<testing::xvfb_display> x_ = start_xvfb();
  std::unique_ptr<child_process> client_;
  std::uint32_t next_out_ = 1;
};

struct timings {
  std::vector<double> ms;
  void report(const char* what) const {
    if (ms.empty()) return;
    auto sorted = ms;
    std::sort(sorted.begin(), sorted.end());
    std::printf("%s: %zu exits, kill -> exit median %.0f ms, max %.0f ms\n", what, sorted.size(),
                sorted[sorted.size() / 2], sorted.back());
  }
};

// Brings the round to `p`; false (with a failure recorded) if the client did not get there.
bool reach(round_setup& r, phase p, std::mt19937& rng) {
  if (p == phase::starting) {
    r.start_client();
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 400));
    return true;
  }
  r.start_client();
  if (!r.file_request()) return false;
  if (p == phase::queued) return true;
  if (!r.watch()) return false;
  if (p == phase::watched) return true;
  return r.grant_and_hold_a_key();
}

// Random activity until the kill: the screen changes (frames in flight while watched).
void busy_until_kill(round_setup& r, phase p, std::mt19937& rng) {
  const auto until = clock_type::now() + std::chrono::milliseconds(rng() % 700);
  unsigned long rgb = 0x102030;
  while (clock_type::now() < until) {
    if (p != phase::starting) r.paint(rgb += 0x050301);
    std::this_thread::sleep_for(std::chrono::milliseconds(rng() % 40));
  }
}

// Waits for the client's exit after the kill at `killed_at`; records the time or fails with
// the client's output and its threads' stacks.
std::optional<int> expect_exit(round_setup& r, clock_type::time_point killed_at, timings& t,
                               const std::string& round_name) {
  const auto status = r.client().wait_exit(exit_budget);
  r.x().reap();  // at once: a killed Xvfb's lock file must not linger for the next ones
  if (!status) {
    ADD_FAILURE() << round_name << ": the client did not exit within 5 s of the kill\n"
                  << r.client().output() << "\n---- threads ----\n"
                  << backtraces(r.client().pid());
    r.client().stop(SIGKILL, 1s);
    return std::nullopt;
  }
  const double ms =
      std::chrono::duration<double, std::milli>(clock_type::now() - killed_at).count();
  t.ms.push_back(ms);
  std::printf("%s: exit status 0x%x after %.0f ms\n", round_name.c_str(), *status, ms);
  // The exit deadline is a last resort, not the way out.
  EXPECT_EQ(r.client().count_output("exiting anyway"), 0) << r.client().output();
  if (!WIFEXITED(*status)) {
    ADD_FAILURE() << round_name << ": the client died of signal " << WTERMSIG(*status) << "\n"
                  << r.client().output();
    return std::nullopt;
  }
  return WEXITSTATUS(*status);
}

TEST(client_x_gone_test, the_client_ends_cleanly_when_its_x_server_is_killed) {
  const unsigned seed = seed_from_env();
  const int rounds = rounds_from_env();
  std::printf("seed %u (VISIT_X_GONE_SEED), %d rounds\n", seed, rounds);
  std::mt19937 rng(seed);
  timings t;
  for (int i = 1; i <= rounds && !HasFailure(); ++i) {
    const auto p = static_cast<phase>(rng() % 4);
    const int signo = rng() % 2 == 0 ? SIGKILL : SIGTERM;
    const std::string round_name = "round " + std::to_string(i) + " (" + name(p) + ", " +
                                   (signo == SIGKILL ? "SIGKILL" : "SIGTERM") + ")";
    SCOPED_TRACE(round_name);
    round_setup r;
    if (!reach(r, p, rng)) break;
    busy_until_kill(r, p, rng);
    const auto killed_at = clock_type::now();
    ASSERT_EQ(kill(r.x().pid(), signo), 0);
    const auto code = expect_exit(r, killed_at, t, round_name);
    if (!code) break;
    const std::string out = r.client().output();
    if (p == phase::starting) {
      // Gone before or while the client opened its display: a start-up error (1) or the
      // display's end (5), never a hang.
      EXPECT_TRUE(*code == 1 || *code == exit_display_gone) << *code << "\n" << out;
      continue;
    }
    EXPECT_EQ(*code, exit_display_gone) << out;
    EXPECT_NE(out.find("the X display is gone"), std::string::npos) << out;
    const auto d = r.drain_until_closed(2s);
    EXPECT_TRUE(d.closed) << out;
    EXPECT_EQ(d.close_code, 1000) << out;
    EXPECT_TRUE(d.customer_left) << out;
    if (p == phase::full_access) {
      EXPECT_TRUE(d.read_only) << out;
      EXPECT_NE(out.find("access: read_only"), std::string::npos) << out;
    }
  }
  t.report("Xvfb killed");
}

TEST(client_x_gone_test, sigterm_and_the_x_server_killed_at_the_same_moment) {
  const unsigned seed = seed_from_env();
  const int rounds = rounds_from_env();
  std::printf("seed %u (VISIT_X_GONE_SEED), %d rounds\n", seed, rounds);
  std::mt19937 rng(seed);
  timings t;
  for (int i = 1; i <= rounds && !HasFailure(); ++i) {
    const auto p = static_cast<phase>(1 + rng() % 3);
    const bool x_first = rng() % 2 == 0;
    const auto gap = std::chrono::microseconds(rng() % 20'000);
    const std::string round_name = "round " + std::to_string(i) + " (" + name(p) + ", " +
                                   (x_first ? "Xvfb" : "client") + " first, " +
                                   std::to_string(gap.count()) + " us apart)";
    SCOPED_TRACE(round_name);
    round_setup r;
    if (!reach(r, p, rng)) break;
    busy_until_kill(r, p, rng);
    const auto killed_at = clock_type::now();
    const pid_t first = x_first ? r.x().pid() : r.client().pid();
    const pid_t second = x_first ? r.client().pid() : r.x().pid();
    ASSERT_EQ(kill(first, x_first ? SIGKILL : SIGTERM), 0);
    std::this_thread::sleep_for(gap);
    ASSERT_EQ(kill(second, x_first ? SIGTERM : SIGKILL), 0);
    const auto code = expect_exit(r, killed_at, t, round_name);
    if (!code) break;
    const std::string out = r.client().output();
    // Whichever it noticed first: the signal (0) or the display's end (5).
    EXPECT_TRUE(*code == 0 || *code == exit_display_gone) << *code << "\n" << out;
    const auto d = r.drain_until_closed(2s);
    EXPECT_TRUE(d.closed) << out;
    EXPECT_EQ(d.close_code, 1000) << out;
    if (p == phase::full_access) {
      EXPECT_TRUE(d.read_only) << out;
    }
  }
  t.report("SIGTERM + Xvfb killed");
}

}  // namespace
}  // namespace visit::client
