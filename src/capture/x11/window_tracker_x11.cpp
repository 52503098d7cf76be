// The X11 window tracker (capture/window_tracker.hpp).
//
// Geometry: under a window manager the application's window (the "client") is reparented into
// a frame, a child of the root. The client gives the geometry (XTranslateCoordinates to the
// root), the frame gives the place in the stacking order: XQueryTree on the root lists its
// children bottom to top, and every mapped InputOutput child above the frame covers part of
// the client. Without a window manager the client is its own frame.
//
// Events: SubstructureNotify on the root (every top-level window that moves, restacks, maps or
// unmaps), StructureNotify and VisibilityChange on the client and its frame, PropertyChange on
// the client (its title). Each of them only counts; snapshot() asks the server afresh.
#include <X11/Xatom.h>
#include <X11/Xlib.h>
#include <X11/Xutil.h>

#include <cstdio>
#include <cstdlib>
#include <utility>

#include "capture/window_tracker.hpp"
#include "x11/x11_handles.hpp"

namespace visit::capture {

namespace x11 {

using namespace ::visit::x11;

namespace {

constexpr int max_depth = 32;                // parent walks and the name search
constexpr int max_windows_searched = 20000;  // the name search gives up after so many windows
constexpr long max_title_longs = 1024;       // 4 KiB of title read at most

class window_tracker_x11 final : public window_tracker {
 public:
  bool init(const std::string& name, std::string& error) {
    display_ = open_display(name.empty() ? nullptr : name.c_str());
    if (!display_) {
      const char* env = name.empty() ? std::getenv("DISPLAY") : name.c_str();
      error = "cannot open X display '" + std::string(env ? env : "") + "'";
      return false;
    }
    on_connection_lost(display_.get(), &dead_);
    Display* d = display_.get();
    root_ = DefaultRootWindow(d);
    net_wm_name_ = XInternAtom(d, "_NET_WM_NAME", False);
    utf8_string_ = XInternAtom(d, "UTF8_STRING", False);
    XSync(d, False);
    return true;
  }

  ~window_tracker_x11() override { unwatch(); }

  std::uint64_t find_window(std::string_view title, std::string& error) override {
    if (dead_) {
      error = "the display is gone";
      return 0;
    }
    x_error_trap trap(display_.get());
    int budget = max_windows_searched;
    const Window w = search(root_, title, 0, budget);
    if (w == 0) error = "no window is named \"" + std::string(title) + "\"";
    return w;
  }

  bool watch(std::uint64_t id, std::string& error) override {
    if (dead_) {
      error = "the display is gone";
      return false;
    }
    Display* d = display_.get();
    const auto w = static_cast<Window>(id);
    if (w == root_) {
      error = "that is the root window: share the desktop instead";
      return false;
    }
    x_error_trap trap(d);
    XWindowAttributes a{};
    if (id == 0 || id > 0x1fffffff || !XGetWindowAttributes(d, w, &a) || trap.failed()) {
      error = "no window " + hex(id);
      return false;
    }
    if (a.c_class != InputOutput) {
      error = "window " + hex(id) + " shows nothing (InputOnly)";
      return false;
    }
    unwatch();
    watched_ = id;
    client_ = w;
    // Events only while a window is watched: nothing piles up while the desktop is shared.
    XSelectInput(d, root_, SubstructureNotifyMask);
    XSelectInput(d, client_, StructureNotifyMask | PropertyChangeMask | VisibilityChangeMask);
    find_frame();
    trap.sync();
    ++structure_events_;
    title_changed_ = true;
    return true;
  }

  void unwatch() override {
    if (client_ != 0 && !dead_) {
      x_error_trap trap(display_.get());
      XSelectInput(display_.get(), client_, NoEventMask);
      if (frame_ != client_ && frame_ != 0) XSelectInput(display_.get(), frame_, NoEventMask);
      XSelectInput(display_.get(), root_, NoEventMask);
      trap.sync();
      poll_events(false);  // what was queued meanwhile
    }
    client_ = frame_ = 0;
    watched_ = 0;
    ++structure_events_;
  }

  std::uint64_t poll_events(bool sync) override {
    if (dead_) return ++structure_events_;  // never "unchanged": nothing can be trusted
    Display* d = display_.get();
    if (sync) XSync(d, False);
    while (!dead_ && XPending(d) > 0) {
      XEvent e;
      XNextEvent(d, &e);
      switch (e.type) {
        case PropertyNotify:
          if (e.xproperty.window == client_ &&
              (e.xproperty.atom == net_wm_name_ || e.xproperty.atom == XA_WM_NAME)) {
            title_changed_ = true;
          }
          break;
        case ReparentNotify:
          if (e.xreparent.window == client_) frame_dirty_ = true;
          ++structure_events_;
          break;
        case ConfigureNotify:
        case MapNotify:
        case UnmapNotify:
        case DestroyNotify:
        case GravityNotify:
        case CirculateNotify:
        case VisibilityNotify:
          ++structure_events_;
          break;
        default:
          break;
      }
    }
    return dead_ ? ++structure_events_ : structure_events_;
  }

  bool title_changed() override { return std::exchange(title_changed_, false); }

  window_snapshot snapshot() override {
    window_snapshot s;
    if (client_ == 0 || dead_) return s;
    Display* d = display_.get();
    x_error_trap trap(d);
    if (frame_dirty_) find_frame();
    XWindowAttributes ca{};
    if (!XGetWindowAttributes(d, client_, &ca)) return s;
    s.exists = true;
    s.title = title_of(client_);
    int rx = 0, ry = 0;
    Window child = 0;
    if (!XTranslateCoordinates(d, client_, root_, 0, 0, &rx, &ry, &child)) return s;
    s.bounds = {rx, ry, ca.width, ca.height};
    if (ca.map_state != IsViewable) return s;

    XWindowAttributes ra{};
    if (!XGetWindowAttributes(d, root_, &ra)) return s;
    rect clip = s.bounds.intersect({0, 0, ra.width, ra.height});
    if (frame_ != client_) {
      XWindowAttributes fa{};
      if (!XGetWindowAttributes(d, frame_, &fa) || fa.map_state != IsViewable) return s;
      clip = clip.intersect(outer(fa));
    }
    s.viewable = true;
    if (clip.empty()) return s;
    s.visible.push_back(clip);

    Window root_ret = 0, parent = 0;
    Window* children = nullptr;
    unsigned count = 0;
    if (!XQueryTree(d, root_, &root_ret, &parent, &children, &count)) {
      s.visible.clear();
      return s;
    }
    x_ptr<Window> owned(children);
    unsigned i = 0;
    while (i < count && children[i] != frame_) ++i;
    if (i == count) {  // the frame is no longer a child of the root: trust nothing
      s.visible.clear();
      frame_dirty_ = true;
      return s;
    }
    for (++i; i < count && !s.visible.empty(); ++i) {
      XWindowAttributes a{};
      if (!XGetWindowAttributes(d, children[i], &a)) continue;  // destroyed meanwhile
      if (a.map_state != IsViewable || a.c_class != InputOutput) continue;
      subtract_rect(s.visible, outer(a));
    }
    return s;
  }

  bool has_focus() override {
    if (client_ == 0 || dead_) return false;
    Display* d = display_.get();
    x_error_trap trap(d);
    Window focus = 0;
    int revert = 0;
    XGetInputFocus(d, &focus, &revert);
    for (int depth = 0; depth < max_depth; ++depth) {
      if (focus == None || focus == PointerRoot || focus == root_) return false;
      if (focus == client_) return true;
      Window root_ret = 0, parent = 0;
      Window* children = nullptr;
      unsigned count = 0;
      if (!XQueryTree(d, focus, &root_ret, &parent, &children, &count)) return false;
      if (children != nullptr) XFree(children);
      focus = parent;
    }
    return false;
  }

  std::optional<std::pair<int, int>> pointer() override {
    if (dead_) return std::nullopt;
    Window root_ret = 0, child = 0;
    int rx = 0, ry = 0, wx = 0, wy = 0;
    unsigned mask = 0;
    if (!XQueryPointer(display_.get(), root_, &root_ret, &child, &rx, &ry, &wx, &wy, &mask)) {
      return std::nullopt;
    }
    return std::pair{rx, ry};
  }

 private:
  static std::string hex(std::uint64_t id) {
    char buf[24];
    // At most 18 characters: it cannot be cut short or fail.
    (void)std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(id));
    return buf;
  }

  static rect outer(const XWindowAttributes& a) {
    return {a.x, a.y, a.width + 2 * a.border_width, a.height + 2 * a.border_width};
  }

  // The ancestor of the client that is a child of the root (the client itself without a
  // window manager), and events on it.
  void find_frame() {
    Display* d = display_.get();
    Window w = client_;
    for (int depth = 0; depth < max_depth; ++depth) {
      Window root_ret = 0, parent = 0;
      Window* children = nullptr;
      unsigned count = 0;
      if (!XQueryTree(d, w, &root_ret, &parent, &children, &count)) break;
      if (children != nullptr) XFree(children);
      if (parent == root_ || parent == 0) break;
      w = parent;
    }
    if (frame_ != 0 && frame_ != client_ && frame_ != w) XSelectInput(d, frame_, NoEventMask);
    frame_ = w;
    if (frame_ != client_) XSelectInput(d, frame_, StructureNotifyMask | VisibilityChangeMask);
    frame_dirty_ = false;
  }

  std::string property_text(Window w, Atom property, Atom type) {
    Atom actual = 0;
    int format = 0;
    unsigned long items = 0, after = 0;
    unsigned char* data = nullptr;
    if (XGetWindowProperty(display_.get(), w, property, 0, max_title_longs, False, type, &actual,
                           &format, &items, &after, &data) != Success) {
      return {};
    }
    x_ptr<unsigned char> owned(data);
    if (data == nullptr || format != 8 || actual == None) return {};
    return std::string(reinterpret_cast<const char*>(data), items);
  }

  std::string title_of(Window w) {
    std::string t = property_text(w, net_wm_name_, utf8_string_);
    if (t.empty()) t = property_text(w, XA_WM_NAME, AnyPropertyType);
    return t;
  }

  // Depth first, topmost first.
  Window search(Window w, std::string_view title, int depth, int& budget) {
    if (depth > max_depth || --budget < 0) return 0;
    if (w != root_ && title_of(w) == title) return w;
    Window root_ret = 0, parent = 0;
    Window* children = nullptr;
    unsigned count = 0;
    if (!XQueryTree(display_.get(), w, &root_ret, &parent, &children, &count)) return 0;
    x_ptr<Window> owned(children);
    for (unsigned i = count; i-- > 0;) {
      if (const Window found = search(children[i], title, depth + 1, budget)) return found;
    }
    return 0;
  }

  unique_display display_;  // declared first: closed last
  bool dead_ = false;
  Window root_ = 0;
  Atom net_wm_name_ = 0;
  Atom utf8_string_ = 0;
  Window client_ = 0;
  Window frame_ = 0;
  bool frame_dirty_ = true;
  bool title_changed_ = false;
  std::uint64_t structure_events_ = 0;
};

}  // namespace
}  // namespace x11

std::unique_ptr<window_tracker> make_window_tracker(const std::string& display_name,
                                                    std::string& error) {
  auto t = std::make_unique<x11::window_tracker_x11>();
  if (!t->init(display_name, error)) return nullptr;
  return t;
}

}  // namespace visit::capture
