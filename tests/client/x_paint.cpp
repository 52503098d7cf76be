#include "x_paint.hpp"

#include <X11/Xlib.h>

namespace visit::client::testing {

bool paint_root(const std::string& display, unsigned long rgb) {
  Display* d = XOpenDisplay(display.c_str());
  if (d == nullptr) return false;
  const Window root = DefaultRootWindow(d);
  XSetWindowBackground(d, root, rgb);
  XClearWindow(d, root);
  XSync(d, False);
  XCloseDisplay(d);
  return true;
}

}  // namespace visit::client::testing
