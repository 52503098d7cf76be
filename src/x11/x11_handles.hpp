// RAII for X11 resources, the X error trap and survival of a lost connection, shared by the
// X11 backends (capture/x11, input/x11). Only those backends include this.
//
// Thread-safety: a Display and everything made on it belong to one thread at a time (we do
// not call XInitThreads; Xlib 1.8 does, so every call takes the display's lock). The error
// handler is process-wide and installed once.
//
// The rule for a lost connection (logout, X server crash; see README.md):
//  - Every thread that owns a display waits in poll() on its fd (and a wake fd) with XPending
//    to read, never in a blocking Xlib call: the server's end is an EOF that Xlib turns into
//    an I/O error, which on_connection_lost() makes a `dead` flag instead of exit().
//  - Once `dead`, no Xlib call on that display but the XCloseDisplay of unique_display (and
//    that one from any thread: the handler gives back the lock Xlib keeps for the thread
//    that saw the error). Resource handles are release()d, not destroyed.
//  - The owning thread ends its loop on `dead` and tells its owner; nothing waits for a
//    dead server.
#pragma once
#include <X11/Xlib.h>

#include <memory>
#include <utility>

namespace visit::x11 {

struct display_closer {
  void operator()(Display* display) const;  // also forgets the display in the error registry
};
// An open connection, registered with the error handler so that an unexpected error on it
// is logged instead of ending the process (Xlib's default handler calls exit()).
using unique_display = std::unique_ptr<Display, display_closer>;
unique_display open_display(const char* name);

struct x_free {
  void operator()(void* p) const {
    if (p) XFree(p);
  }
};
// Memory that Xlib allocated and XFree releases (XFixesGetCursorImage, XFixesFetchRegion...).
template <typename T>
using x_ptr = std::unique_ptr<T, x_free>;

// A server-side resource id with its destroy request, e.g.
// x_id<XDamageDestroy>. The Display outlives the handle (declare the display first).
template <auto destroy>
class x_id {
 public:
  x_id() = default;
  x_id(Display* display, XID id) : display_(display), id_(id) {}
  x_id(x_id&& o) noexcept
      : display_(std::exchange(o.display_, nullptr)), id_(std::exchange(o.id_, 0)) {}
  x_id& operator=(x_id&& o) noexcept {
    if (this != &o) {
      reset();
      display_ = std::exchange(o.display_, nullptr);
      id_ = std::exchange(o.id_, 0);
    }
    return *this;
  }
  ~x_id() { reset(); }
  void reset() {
    if (display_ && id_) destroy(display_, id_);
    display_ = nullptr;
    id_ = 0;
  }
  // Forgets the id without a destroy request (the server is gone and freed it).
  void release() {
    display_ = nullptr;
    id_ = 0;
  }
  XID get() const { return id_; }
  explicit operator bool() const { return id_ != 0; }

 private:
  Display* display_ = nullptr;  // not owned
  XID id_ = 0;
};

// While alive, X protocol errors on `display` raised on this thread are recorded here instead
// of being reported. Errors of requests with a reply (XShmGetImage, XGetImage...) arrive
// during the call; for the others call sync() to collect them. Traps nest.
class x_error_trap {
 public:
  explicit x_error_trap(Display* display);
  ~x_error_trap();
  x_error_trap(const x_error_trap&) = delete;
  x_error_trap& operator=(const x_error_trap&) = delete;

  // Round trip to the server so that every error caused so far has arrived.
  void sync();
  // The first error code caught (Success = none).
  int error_code() const { return error_code_; }
  bool failed() const { return error_code_ != Success; }

 private:
  friend int handle_x_error(Display*, XErrorEvent*);
  Display* display_;     // not owned; outlives the trap
  x_error_trap* outer_;  // the enclosing trap on this thread, if any
  int error_code_ = Success;
};

// Makes an I/O error on `display` (server gone) set `*dead` instead of exiting the process,
// on the thread whose call found it, and gives back the display lock Xlib keeps for that
// thread. After that the display is unusable and must only be closed (from any thread).
// `dead` outlives the display; it is written by the display's current thread.
void on_connection_lost(Display* display, bool* dead);

}  // namespace visit::x11
