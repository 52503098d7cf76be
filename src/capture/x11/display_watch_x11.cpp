// The X11 display_watch (capture/display_watch.hpp).
#include <X11/Xlib.h>

#include <cstdlib>

#include "capture/display_watch.hpp"
#include "x11/x11_handles.hpp"

namespace visit::capture {

namespace x11 {

using namespace ::visit::x11;

namespace {

class display_watch_x11 final : public display_watch {
 public:
  bool open(const std::string& name, std::string& error) {
    display_ = open_display(name.empty() ? nullptr : name.c_str());
    if (!display_) {
      const char* env = name.empty() ? std::getenv("DISPLAY") : name.c_str();
      error = "cannot open X display '" + std::string(env ? env : "") + "'";
      return false;
    }
    on_connection_lost(display_.get(), &dead_);
    return true;
  }

  int fd() const override { return ConnectionNumber(display_.get()); }

  bool alive() override {
    Display* d = display_.get();
    // XPending reads what the socket holds without blocking; at the server's end that read
    // is the EOF that Xlib's I/O error turns into dead_.
    while (!dead_ && XPending(d) > 0) {
      XEvent event;
      XNextEvent(d, &event);
    }
    return !dead_;
  }

 private:
  bool dead_ = false;  // before display_: its exit handler writes it
  unique_display display_;
};

}  // namespace

}  // namespace x11

std::unique_ptr<display_watch> make_display_watch(const std::string& display_name,
                                                  std::string& error) {
  auto watch = std::make_unique<x11::display_watch_x11>();
  if (!watch->open(display_name, error)) return nullptr;
  return watch;
}

}  // namespace visit::capture
