// The input module's X connection: RAII display, the X error trap, survival of a lost
// server. Only files under input/x11 include this.
//
// Thread-safety: a Display belongs to one thread at a time (no XInitThreads). The error
// handlers are process-wide, installed once, and pass other modules' displays on to the
// handler that was installed before.
#pragma once
#include <X11/Xlib.h>

#include <memory>

namespace visit::input::x11 {

struct display_closer {
  void operator()(Display* display) const;
};
using unique_display = std::unique_ptr<Display, display_closer>;
// Opens `name` (empty = $DISPLAY). Errors on it are logged, not fatal; if the server goes
// away, `*dead` becomes true (it outlives the display) and the display must only be closed.
unique_display open_display(const char* name, bool* dead);

struct x_free {
  void operator()(void* p) const {
    if (p) XFree(p);
  }
};
template <typename T>
using x_ptr = std::unique_ptr<T, x_free>;

// While alive, X errors on `display` raised on this thread are recorded instead of logged.
// Call sync() to collect the errors of requests without a reply. Traps nest.
class x_error_trap {
 public:
  explicit x_error_trap(Display* display);
  ~x_error_trap();
  x_error_trap(const x_error_trap&) = delete;
  x_error_trap& operator=(const x_error_trap&) = delete;
  void sync();
  bool failed() const { return error_code_ != Success; }
  int error_code() const { return error_code_; }

 private:
  friend int handle_x_error(Display*, XErrorEvent*);
  Display* display_;     // not owned; outlives the trap
  x_error_trap* outer_;  // the enclosing trap on this thread
  int error_code_ = Success;
};

}  // namespace visit::input::x11
