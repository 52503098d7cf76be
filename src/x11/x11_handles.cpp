#include "x11/x11_handles.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

namespace visit::x11 {

namespace {

thread_local x_error_trap* innermost_trap = nullptr;

// Displays opened through open_display(). Xlib calls the error handler with the display
// locked; registering and forgetting never call Xlib under registry_mutex.
std::mutex registry_mutex;
std::vector<Display*> registry;
XErrorHandler previous_handler = nullptr;
XIOErrorHandler previous_io_handler = nullptr;
std::once_flag install_once;

bool registered(Display* display) {
  std::lock_guard lock(registry_mutex);
  return std::find(registry.begin(), registry.end(), display) != registry.end();
}

// Runs on the thread whose Xlib call found the connection dead, inside _XIOError. Xlib
// (1.7+, threads on by default since 1.8) takes the display's user-level lock there
// (XLockDisplay) before it calls the handlers and never gives it back, since it expects the
// process to exit. Returning would leave the display locked by this thread for good, and the
// next Xlib call on it from any other thread (XCloseDisplay in a destructor on the main
// thread, after this thread has ended) would wait forever. Give the lock back: one
// XUnlockDisplay per _XIOError, which takes one per call. A no-op without a lock.
void connection_lost(Display* display, void* dead) {
  *static_cast<bool*>(dead) = true;
  XUnlockDisplay(display);
}

// Diagnostics on stderr are cast to void: a failed write there has nowhere else to be reported.

// Xlib's default I/O error handler calls exit(). For our displays, return instead: Xlib then
// calls the per-display exit handler (connection_lost), which marks the display dead.
int handle_io_error(Display* display) {
  if (registered(display)) {
    (void)std::fprintf(stderr, "visit x11: lost the connection to the X server\n");
    return 0;
  }
  return previous_io_handler ? previous_io_handler(display) : 0;
}

}  // namespace

int handle_x_error(Display* display, XErrorEvent* event) {
  for (x_error_trap* trap = innermost_trap; trap; trap = trap->outer_) {
    if (trap->display_ != display) continue;
    if (trap->error_code_ == Success) trap->error_code_ = event->error_code;
    return 0;
  }
  if (registered(display)) {
    char text[128] = {};
    XGetErrorText(display, event->error_code, text, sizeof text);
    (void)std::fprintf(stderr, "visit x11: X error %s (request %d.%d, resource 0x%lx), ignored\n",
                       text, event->request_code, event->minor_code, event->resourceid);
    return 0;
  }
  // Another module's display: its owner decides.
  return previous_handler ? previous_handler(display, event) : 0;
}

unique_display open_display(const char* name) {
  std::call_once(install_once, [] {
    previous_handler = XSetErrorHandler(&handle_x_error);
    previous_io_handler = XSetIOErrorHandler(&handle_io_error);
  });
  Display* display = XOpenDisplay(name);
  if (display) {
    std::lock_guard lock(registry_mutex);
    registry.push_back(display);
  }
  return unique_display(display);
}

void display_closer::operator()(Display* display) const {
  if (!display) return;
  XCloseDisplay(display);
  std::lock_guard lock(registry_mutex);
  registry.erase(std::remove(registry.begin(), registry.end(), display), registry.end());
}

x_error_trap::x_error_trap(Display* display) : display_(display), outer_(innermost_trap) {
  innermost_trap = this;
}

x_error_trap::~x_error_trap() {
  innermost_trap = outer_;
}

void x_error_trap::sync() {
  XSync(display_, False);
}

void on_connection_lost(Display* display, bool* dead) {
  XSetIOErrorExitHandler(display, &connection_lost, dead);
}

}  // namespace visit::x11
