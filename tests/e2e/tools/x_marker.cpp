// Test tool: paints a small square whose colour encodes a sequence number, one step every
// `interval_ms`, and prints "seq <n> <CLOCK_REALTIME µs>" after each XSync. Used to measure
// change-to-canvas latency (method of ../shared/design/TESTING.md F4).
// usage: x_marker X Y SIZE COUNT INTERVAL_MS   (DISPLAY from the environment)
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <thread>

namespace {

unsigned long marker_colour(int seq) {
  // R = low byte, G = high byte, B fixed: distinct for 65536 steps, never the background.
  return (static_cast<unsigned long>(seq & 0xff) << 16) |
         (static_cast<unsigned long>((seq >> 8) & 0xff) << 8) | 0xa5ul;
}

long long now_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<long long>(ts.tv_sec) * 1000000 + ts.tv_nsec / 1000;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 6) {
    std::fprintf(stderr, "usage: x_marker X Y SIZE COUNT INTERVAL_MS\n");
    return 2;
  }
  const int x = std::atoi(argv[1]), y = std::atoi(argv[2]), size = std::atoi(argv[3]);
  const int count = std::atoi(argv[4]), interval_ms = std::atoi(argv[5]);
  Display* dpy = XOpenDisplay(nullptr);
  if (!dpy) {
    std::fprintf(stderr, "x_marker: cannot open display\n");
    return 1;
  }
  XSetWindowAttributes attrs{};
  attrs.override_redirect = True;
  attrs.background_pixel = marker_colour(0);
  Window w = XCreateWindow(dpy, DefaultRootWindow(dpy), x, y, static_cast<unsigned>(size),
                           static_cast<unsigned>(size), 0, 24, InputOutput, CopyFromParent,
                           CWOverrideRedirect | CWBackPixel, &attrs);
  XMapRaised(dpy, w);
  XSync(dpy, False);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  for (int seq = 1; seq <= count; ++seq) {
    XSetWindowBackground(dpy, w, marker_colour(seq));
    XClearWindow(dpy, w);
    XSync(dpy, False);
    std::printf("seq %d %lld\n", seq, now_us());
    std::fflush(stdout);
    std::this_thread::sleep_for(std::chrono::milliseconds(interval_ms));
  }
  XDestroyWindow(dpy, w);
  XCloseDisplay(dpy);
  return 0;
}
