// Window-manager operations and screen reads for the single-application test, from a test X
// connection of its own (kept apart: Xlib's macros clash with GoogleTest's names).
// Thread-safety: none; one thread.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace visit::client::testing {

struct x_rect {
  int x = 0, y = 0, w = 0, h = 0;
  bool contains(int px, int py) const { return px >= x && py >= y && px < x + w && py < y + h; }
};

class x_windows {
 public:
  explicit x_windows(const std::string& display);
  ~x_windows();
  x_windows(const x_windows&) = delete;
  x_windows& operator=(const x_windows&) = delete;
  bool ok() const;

  // A window manager announced itself (_NET_SUPPORTING_WM_CHECK on the root).
  bool wm_running();
  // The window's inside in root coordinates (nullopt if it does not exist).
  std::optional<x_rect> client_rect(unsigned long window);
  // The outer rectangle of its top-level ancestor (the window manager's frame).
  std::optional<x_rect> frame_rect(unsigned long window);
  bool viewable(unsigned long window);
  // Asks the window manager: move the window's frame so the window is near (x, y).
  void move(unsigned long window, int x, int y);
  // Asks the window manager to resize the window.
  void resize(unsigned long window, int width, int height);
  // _NET_ACTIVE_WINDOW as a pager would send it: raise and focus (also de-iconifies).
  void activate(unsigned long window);
  // WM_CHANGE_STATE IconicState (XIconifyWindow).
  void iconify(unsigned long window);
  // The window that has the input focus.
  unsigned long focus();
  // The whole screen, B,G,R,X per pixel.
  std::vector<std::uint8_t> screen(int& width, int& height);

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
};

}  // namespace visit::client::testing
