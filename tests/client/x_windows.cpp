#include "x_windows.hpp"

#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <cstring>

namespace visit::client::testing {

struct x_windows::impl {
  Display* d = nullptr;
  Window root = 0;
};

x_windows::x_windows(const std::string& display) : impl_(std::make_unique<impl>()) {
  impl_->d = XOpenDisplay(display.c_str());
  if (impl_->d != nullptr) impl_->root = DefaultRootWindow(impl_->d);
}

x_windows::~x_windows() {
  if (impl_->d != nullptr) XCloseDisplay(impl_->d);
}

bool x_windows::ok() const {
  return impl_->d != nullptr;
}

namespace {

int ignore_errors(Display*, XErrorEvent*) {
  return 0;
}

Window top_level(Display* d, Window root, Window w) {
  for (int i = 0; i < 32; ++i) {
    Window r = 0, parent = 0;
    Window* children = nullptr;
    unsigned n = 0;
    if (!XQueryTree(d, w, &r, &parent, &children, &n)) return 0;
    if (children) XFree(children);
    if (parent == root) return w;
    w = parent;
  }
  return 0;
}

void client_message(Display* d, Window root, Window w, const char* type, long l0, long l1) {
  XEvent e{};
  e.xclient.type = ClientMessage;
  e.xclient.window = w;
  e.xclient.message_type = XInternAtom(d, type, False);
  e.xclient.format = 32;
  e.xclient.data.l[0] = l0;
  e.xclient.data.l[1] = l1;
  XSendEvent(d, root, False, SubstructureRedirectMask | SubstructureNotifyMask, &e);
  XSync(d, False);
}

}  // namespace

bool x_windows::wm_running() {
  Atom type = 0;
  int format = 0;
  unsigned long n = 0, after = 0;
  unsigned char* data = nullptr;
  const bool found =
      XGetWindowProperty(impl_->d, impl_->root,
                         XInternAtom(impl_->d, "_NET_SUPPORTING_WM_CHECK", False), 0, 1, False,
                         XA_WINDOW, &type, &format, &n, &after, &data) == Success &&
      n == 1;
  if (data) XFree(data);
  return found;
}

std::optional<x_rect> x_windows::client_rect(unsigned long window) {
  auto* old = XSetErrorHandler(ignore_errors);
  XWindowAttributes a{};
  int x = 0, y = 0;
  Window child = 0;
  const bool ok = XGetWindowAttributes(impl_->d, window, &a) &&
                  XTranslateCoordinates(impl_->d, window, impl_->root, 0, 0, &x, &y, &child);
  XSync(impl_->d, False);
  XSetErrorHandler(old);
  if (!ok) return std::nullopt;
  return x_rect{x, y, a.width, a.height};
}

std::optional<x_rect> x_windows::frame_rect(unsigned long window) {
  const Window f = top_level(impl_->d, impl_->root, window);
  XWindowAttributes a{};
  if (f == 0 || !XGetWindowAttributes(impl_->d, f, &a)) return std::nullopt;
  return x_rect{a.x, a.y, a.width + 2 * a.border_width, a.height + 2 * a.border_width};
}

bool x_windows::viewable(unsigned long window) {
  XWindowAttributes a{};
  return XGetWindowAttributes(impl_->d, window, &a) && a.map_state == IsViewable;
}

void x_windows::move(unsigned long window, int x, int y) {
  XMoveWindow(impl_->d, window, x, y);
  XSync(impl_->d, False);
}

void x_windows::resize(unsigned long window, int width, int height) {
  XResizeWindow(impl_->d, window, static_cast<unsigned>(width), static_cast<unsigned>(height));
  XSync(impl_->d, False);
}

void x_windows::activate(unsigned long window) {
  client_message(impl_->d, impl_->root, window, "_NET_ACTIVE_WINDOW", 2, CurrentTime);
}

void x_windows::iconify(unsigned long window) {
  XIconifyWindow(impl_->d, window, DefaultScreen(impl_->d));
  XSync(impl_->d, False);
}

unsigned long x_windows::focus() {
  Window f = 0;
  int revert = 0;
  XGetInputFocus(impl_->d, &f, &revert);
  return f;
}

std::vector<std::uint8_t> x_windows::screen(int& width, int& height) {
  XWindowAttributes a{};
  XGetWindowAttributes(impl_->d, impl_->root, &a);
  width = a.width;
  height = a.height;
  XImage* img = XGetImage(impl_->d, impl_->root, 0, 0, static_cast<unsigned>(a.width),
                          static_cast<unsigned>(a.height), AllPlanes, ZPixmap);
  std::vector<std::uint8_t> out(static_cast<std::size_t>(width) * height * 4);
  if (img == nullptr) return out;
  for (int y = 0; y < height; ++y) {
    std::memcpy(out.data() + static_cast<std::size_t>(y) * width * 4,
                img->data + static_cast<std::ptrdiff_t>(y) * img->bytes_per_line,
                static_cast<std::size_t>(width) * 4);
  }
  XDestroyImage(img);
  return out;
}

}  // namespace visit::client::testing
