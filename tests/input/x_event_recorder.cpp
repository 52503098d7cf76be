#include "x_event_recorder.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/XInput2.h>
#include <X11/extensions/XTest.h>
#include <poll.h>

namespace visit::test {

using clock = std::chrono::steady_clock;

struct x_event_recorder::impl {
  Display* display = nullptr;
  Window window = 0;
};

x_event_recorder::x_event_recorder(const std::string& display, int width, int height)
    : impl_(std::make_unique<impl>()) {
  Display* d = XOpenDisplay(display.c_str());
  if (!d) return;
  impl_->display = d;
  XSetWindowAttributes attributes{};
  attributes.override_redirect = True;
  attributes.event_mask = KeyPressMask | KeyReleaseMask | ButtonPressMask | ButtonReleaseMask |
                          PointerMotionMask | StructureNotifyMask;
  impl_->window = XCreateWindow(d, DefaultRootWindow(d), 0, 0, static_cast<unsigned>(width),
                                static_cast<unsigned>(height), 0, CopyFromParent, InputOutput,
                                CopyFromParent, CWOverrideRedirect | CWEventMask, &attributes);
  XMapRaised(d, impl_->window);
  XEvent event;
  do XWindowEvent(d, impl_->window, StructureNotifyMask, &event);
  while (event.type != MapNotify);
  XSetInputFocus(d, impl_->window, RevertToPointerRoot, CurrentTime);
  XSync(d, False);
}

x_event_recorder::~x_event_recorder() {
  if (impl_->display) XCloseDisplay(impl_->display);
}

bool x_event_recorder::ok() const {
  return impl_->display && impl_->window;
}

void x_event_recorder::record_pending() {
  Display* d = impl_->display;
  while (XPending(d) > 0) {
    XEvent e;
    XNextEvent(d, &e);
    x_event r{};
    r.received = clock::now();
    switch (e.type) {
      case MappingNotify:
        XRefreshKeyboardMapping(&e.xmapping);
        continue;
      case KeyPress:
      case KeyRelease: {
        r.what = e.type == KeyPress ? x_event::kind::key_press : x_event::kind::key_release;
        char text[16];
        KeySym keysym = NoSymbol;
        XLookupString(&e.xkey, text, sizeof text, &keysym, nullptr);
        r.keysym = keysym;
        r.keycode = e.xkey.keycode;
        r.state = e.xkey.state;
        break;
      }
      case ButtonPress:
      case ButtonRelease:
        r.what =
            e.type == ButtonPress ? x_event::kind::button_press : x_event::kind::button_release;
        r.button = static_cast<int>(e.xbutton.button);
        r.state = e.xbutton.state;
        r.x = e.xbutton.x_root;
        r.y = e.xbutton.y_root;
        break;
      case MotionNotify:
        r.what = x_event::kind::motion;
        r.state = e.xmotion.state;
        r.x = e.xmotion.x_root;
        r.y = e.xmotion.y_root;
        break;
      default:
        continue;
    }
    events_.push_back(r);
  }
}

bool x_event_recorder::wait_for(const std::function<bool(const x_event&)>& match,
                                std::chrono::milliseconds timeout) {
  const auto deadline = clock::now() + timeout;
  std::size_t checked = events_.size();
  for (;;) {
    record_pending();
    for (; checked < events_.size(); ++checked)
      if (match(events_[checked])) return true;
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - clock::now());
    if (left.count() <= 0) return false;
    pollfd fd{ConnectionNumber(impl_->display), POLLIN, 0};
    poll(&fd, 1, static_cast<int>(left.count()) + 1);
  }
}

void x_event_recorder::drain(std::chrono::milliseconds quiet) {
  XSync(impl_->display, False);
  for (;;) {
    record_pending();
    pollfd fd{ConnectionNumber(impl_->display), POLLIN, 0};
    if (poll(&fd, 1, static_cast<int>(quiet.count())) <= 0) return;
  }
}

std::vector<unsigned long> x_event_recorder::typed_keysyms() const {
  std::vector<unsigned long> out;
  for (const auto& e : events_)
    if (e.what == x_event::kind::key_press && !IsModifierKey(e.keysym)) out.push_back(e.keysym);
  return out;
}

bool x_event_recorder::any_key_down() {
  char keys[32] = {};
  XQueryKeymap(impl_->display, keys);
  for (char k : keys)
    if (k) return true;
  return false;
}

unsigned x_event_recorder::pointer_buttons_down() {
  Window root = 0, child = 0;
  int rx = 0, ry = 0, wx = 0, wy = 0;
  unsigned mask = 0;
  XQueryPointer(impl_->display, DefaultRootWindow(impl_->display), &root, &child, &rx, &ry, &wx,
                &wy, &mask);
  return mask & (Button1Mask | Button2Mask | Button3Mask | Button4Mask | Button5Mask);
}

void x_event_recorder::warp_pointer(int x, int y) {
  XWarpPointer(impl_->display, None, DefaultRootWindow(impl_->display), 0, 0, 0, 0, x, y);
  XSync(impl_->display, False);
}

void x_event_recorder::xtest_motion(int x, int y) {
  XTestFakeMotionEvent(impl_->display, -1, x, y, CurrentTime);
  XSync(impl_->display, False);
}

void x_event_recorder::xtest_key_tap(unsigned keycode) {
  XTestFakeKeyEvent(impl_->display, keycode, True, CurrentTime);
  XTestFakeKeyEvent(impl_->display, keycode, False, CurrentTime);
  XSync(impl_->display, False);
}

std::vector<std::string> x_event_recorder::input_devices() {
  std::vector<std::string> out;
  int count = 0;
  XIDeviceInfo* devices = XIQueryDevice(impl_->display, XIAllDevices, &count);
  for (int i = 0; i < count; ++i) {
    const char* use = devices[i].use == XIMasterPointer    ? "master pointer"
                      : devices[i].use == XIMasterKeyboard ? "master keyboard"
                      : devices[i].use == XISlavePointer   ? "slave pointer"
                      : devices[i].use == XISlaveKeyboard  ? "slave keyboard"
                                                           : "floating slave";
    out.push_back(std::string(devices[i].name) + " (" + use + ")");
  }
  if (devices) XIFreeDeviceInfo(devices);
  return out;
}

}  // namespace visit::test
