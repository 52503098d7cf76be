// capture::display_watch against a real Xvfb: quiet while the server lives (also through the
// events every client gets), readable and not alive at once when it dies.
#include <gtest/gtest.h>
#include <poll.h>
#include <unistd.h>

// After gtest: Xlib defines None, which gtest uses as a name.
#include <X11/Xlib.h>
#include <X11/keysym.h>

#include <chrono>
#include <string>

#include "capture/display_watch.hpp"
#include "xvfb_server.hpp"

namespace visit::capture {
namespace {

using namespace std::chrono_literals;

bool readable(int fd, int timeout_ms) {
  pollfd p{fd, POLLIN, 0};
  return poll(&p, 1, timeout_ms) > 0;
}

TEST(display_watch_x11, notices_the_server_s_end_at_once) {
  std::string error;
  auto server = test::xvfb_server::start(320, 240, error);
  ASSERT_TRUE(server) << error;
  auto watch = make_display_watch(server->display(), error);
  ASSERT_TRUE(watch) << error;
  EXPECT_TRUE(watch->alive());
  EXPECT_FALSE(readable(watch->fd(), 200));

  // A keyboard mapping change reaches every client (MappingNotify): read, still alive.
  Display* other = XOpenDisplay(server->display().c_str());
  ASSERT_NE(other, nullptr);
  int min = 0, max = 0;
  XDisplayKeycodes(other, &min, &max);
  KeySym sym = XK_F24;
  XChangeKeyboardMapping(other, max, 1, &sym, 1);
  XSync(other, False);
  XCloseDisplay(other);
  if (readable(watch->fd(), 1000)) {
    EXPECT_TRUE(watch->alive());
  }
  EXPECT_FALSE(readable(watch->fd(), 100));

  const auto killed = std::chrono::steady_clock::now();
  server->kill_now();
  ASSERT_TRUE(readable(watch->fd(), 2000));
  EXPECT_FALSE(watch->alive());
  EXPECT_LT(std::chrono::steady_clock::now() - killed, 1s);
  EXPECT_FALSE(watch->alive());  // and stays so
  watch.reset();                 // closing the dead connection neither exits nor hangs
}

TEST(display_watch_x11, an_absent_display_gives_null_and_an_error) {
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
  EXPECT_EQ(make_display_watch(name, error), nullptr);
  EXPECT_NE(error.find(name), std::string::npos) << error;
}

}  // namespace
}  // namespace visit::capture
