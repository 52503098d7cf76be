#include "input/x11/x11_connection.hpp"

#include <algorithm>
#include <cstdio>
#include <mutex>
#include <vector>

namespace visit::input::x11 {

namespace {

thread_local x_error_trap* innermost_trap = nullptr;
// Displays opened here. Registering and forgetting never call Xlib under the mutex.
std::mutex registry_mutex;
std::vector<Display*> registry;
XErrorHandler previous_handler = nullptr;
XIOErrorHandler previous_io_handler = nullptr;
std::once_flag install_once;

bool registered(Display* display) {
  std::lock_guard lock(registry_mutex);
  return std::find(registry.begin(), registry.end(), display) != registry.end();
}

void connection_lost(Display*, void* dead) {
  if (dead) *static_cast<bool*>(dead) = true;
}

// Xlib's default I/O error handler calls exit(). For our displays return instead; Xlib then
// calls the per-display exit handler, which marks the display dead.
int handle_io_error(Display* display) {
  if (registered(display)) {
    std::fprintf(stderr, "visit input: lost the connection to the X server\n");
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
    std::fprintf(stderr, "visit input: X error %s (request %d.%d), ignored\n", text,
                 event->request_code, event->minor_code);
    return 0;
  }
  return previous_handler ? previous_handler(display, event) : 0;
}

unique_display open_display(const char* name, bool* dead) {
  std::call_once(install_once, [] {
    previous_handler = XSetErrorHandler(&handle_x_error);
    previous_io_handler = XSetIOErrorHandler(&handle_io_error);
  });
  Display* display = XOpenDisplay(name && *name ? name : nullptr);
  if (!display) return nullptr;
  {
    std::lock_guard lock(registry_mutex);
    registry.push_back(display);
  }
  XSetIOErrorExitHandler(display, &connection_lost, dead);
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

}  // namespace visit::input::x11
