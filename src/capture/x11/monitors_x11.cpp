// RandR 1.5 monitors (XRRGetMonitors) of a display, through visit_x11's guarded connection.
#include <X11/extensions/Xrandr.h>

#include "capture/monitors.hpp"
#include "x11/x11_handles.hpp"

namespace visit::capture {

std::vector<monitor_info> list_monitors(const std::string& display_name, std::string& error) {
  std::vector<monitor_info> out;
  x11::unique_display display =
      x11::open_display(display_name.empty() ? nullptr : display_name.c_str());
  if (!display) {
    error =
        "cannot open display " + (display_name.empty() ? std::string("$DISPLAY") : display_name);
    return out;
  }
  int event_base = 0, error_base = 0, major = 0, minor = 0;
  if (!XRRQueryExtension(display.get(), &event_base, &error_base) ||
      !XRRQueryVersion(display.get(), &major, &minor) || major < 1 || (major == 1 && minor < 5)) {
    error = "the display has no RandR 1.5";
    return out;
  }
  int count = 0;
  XRRMonitorInfo* monitors =
      XRRGetMonitors(display.get(), DefaultRootWindow(display.get()), True, &count);
  for (int i = 0; monitors != nullptr && i < count; ++i) {
    const XRRMonitorInfo& m = monitors[i];
    monitor_info info;
    if (m.name != None) {
      if (char* name = XGetAtomName(display.get(), m.name)) {
        info.name = name;
        XFree(name);
      }
    }
    info.x = m.x;
    info.y = m.y;
    info.width = m.width;
    info.height = m.height;
    info.width_mm = m.mwidth;
    info.height_mm = m.mheight;
    info.primary = m.primary != 0;
    out.push_back(std::move(info));
  }
  if (monitors != nullptr) XRRFreeMonitors(monitors);
  return out;
}

}  // namespace visit::capture
