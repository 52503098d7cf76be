#include "x_test_client.hpp"

#include <X11/Xlib.h>
#include <X11/Xutil.h>
#include <X11/extensions/Xrandr.h>

#include <cstring>
#include <vector>

namespace visit::test {

struct x_test_client::impl {
  Display* display = nullptr;
  GC gc = nullptr;
  std::vector<Window> windows;
  std::vector<Cursor> cursors;
  Window root() const { return DefaultRootWindow(display); }
};

x_test_client::x_test_client(const std::string& display, int width, int height)
    : impl_(std::make_unique<impl>()), expected_(width, height) {
  impl_->display = XOpenDisplay(display.c_str());
  if (impl_->display) impl_->gc = XCreateGC(impl_->display, impl_->root(), 0, nullptr);
}

x_test_client::~x_test_client() {
  if (!impl_->display) return;
  for (Window w : impl_->windows) XDestroyWindow(impl_->display, w);
  for (Cursor c : impl_->cursors) XFreeCursor(impl_->display, c);
  XFreeGC(impl_->display, impl_->gc);
  XCloseDisplay(impl_->display);
}

bool x_test_client::ok() const {
  return impl_->display != nullptr;
}

void x_test_client::fill(const rect& r, std::uint32_t rgb) {
  XSetForeground(impl_->display, impl_->gc, rgb);
  XFillRectangle(impl_->display, impl_->root(), impl_->gc, r.x, r.y, static_cast<unsigned>(r.w),
                 static_cast<unsigned>(r.h));
  paint_expected(r, rgb);
}

int x_test_client::map_window(const rect& r, std::uint32_t rgb) {
  const Window w =
      XCreateSimpleWindow(impl_->display, impl_->root(), r.x, r.y, static_cast<unsigned>(r.w),
                          static_cast<unsigned>(r.h), 0, 0, rgb);
  XMapWindow(impl_->display, w);
  impl_->windows.push_back(w);
  window_areas_.push_back(r);
  paint_expected(r, rgb);
  return static_cast<int>(impl_->windows.size()) - 1;
}

void x_test_client::fill_in_window(int index, const rect& r, std::uint32_t rgb) {
  const Window w = impl_->windows.at(static_cast<std::size_t>(index));
  XSetForeground(impl_->display, impl_->gc, rgb);
  XFillRectangle(impl_->display, w, impl_->gc, r.x, r.y, static_cast<unsigned>(r.w),
                 static_cast<unsigned>(r.h));
  const rect area = window_areas_[static_cast<std::size_t>(index)];
  paint_expected(rect{area.x + r.x, area.y + r.y, r.w, r.h}.intersect(area), rgb);
}

void x_test_client::define_test_cursor() {
  Display* d = impl_->display;
  char source[32] = {}, mask[32] = {};
  for (int y = 0; y < 16; ++y) {
    if (y < 8) source[y * 2] = static_cast<char>(0xff);
    if (y < 12) {
      mask[y * 2] = static_cast<char>(0xff);
      mask[y * 2 + 1] = 0x0f;
    }
  }
  const Pixmap source_bits = XCreateBitmapFromData(d, impl_->root(), source, 16, 16);
  const Pixmap mask_bits = XCreateBitmapFromData(d, impl_->root(), mask, 16, 16);
  XColor red{}, blue{};
  red.red = 0xffff;
  blue.blue = 0xffff;
  const Cursor cursor = XCreatePixmapCursor(d, source_bits, mask_bits, &red, &blue, 3, 4);
  XDefineCursor(d, impl_->root(), cursor);
  impl_->cursors.push_back(cursor);
  XFreePixmap(d, source_bits);
  XFreePixmap(d, mask_bits);
}

void x_test_client::warp_pointer(int x, int y) {
  XWarpPointer(impl_->display, None, impl_->root(), 0, 0, 0, 0, x, y);
}

bool x_test_client::resize_screen(int width, int height) {
  Display* d = impl_->display;
  XRRScreenResources* resources = XRRGetScreenResources(d, impl_->root());
  if (!resources) return false;
  bool ok = resources->ncrtc >= 1 && resources->noutput >= 1;
  if (ok) {
    std::string name = std::to_string(width) + "x" + std::to_string(height);
    XRRModeInfo mode{};
    mode.width = static_cast<unsigned>(width);
    mode.height = static_cast<unsigned>(height);
    mode.hTotal = mode.width;
    mode.vTotal = mode.height;
    mode.dotClock = static_cast<unsigned long>(width) * static_cast<unsigned long>(height) * 60;
    mode.name = name.data();
    mode.nameLength = static_cast<unsigned>(name.size());
    const RRMode id = XRRCreateMode(d, impl_->root(), &mode);
    XRRAddOutputMode(d, resources->outputs[0], id);
    ok = XRRSetCrtcConfig(d, resources, resources->crtcs[0], CurrentTime, 0, 0, id, RR_Rotate_0,
                          resources->outputs, 1) == Success;
    if (ok) {
      // 96 dpi
      XRRSetScreenSize(d, impl_->root(), width, height, width * 254 / 960, height * 254 / 960);
      expected_ = frame_buffer(width, height);
    }
  }
  XRRFreeScreenResources(resources);
  return ok;
}

void x_test_client::sync() {
  XSync(impl_->display, False);
}

void x_test_client::paint_expected(const rect& r, std::uint32_t rgb) {
  const rect c = r.intersect({0, 0, expected_.width, expected_.height});
  for (int y = c.y; y < c.bottom(); ++y) {
    for (int x = c.x; x < c.right(); ++x) std::memcpy(expected_.row(y) + x * 4, &rgb, 4);
  }
}

}  // namespace visit::test
