// Screen capture interface. Platform backends live under capture/<platform>/ and are made by
// make_screen_capturer(); tests use fake_screen_capturer.
#pragma once
#include <chrono>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "common/frame.hpp"
#include "common/geometry.hpp"

namespace visit::capture {

enum class capture_result { success, error_temporary, error_permanent };

struct cursor_image {
  int width = 0, height = 0, hot_x = 0, hot_y = 0;
  std::vector<std::uint8_t> rgba;  // width*height*4, not premultiplied
  std::uint64_t serial = 0;
};

// One monitor of the screen (X11: a RandR monitor), in screen pixels, clipped to the screen.
struct monitor_area {
  rect area;
  bool primary = false;
  bool operator==(const monitor_area&) const = default;
};

struct cursor_state {
  int x = 0, y = 0;
  bool visible = true;
};

// One capture: the whole current screen plus the cells that changed since the previous
// successful capture (the differ has refined the damage; XDamage over-reports).
struct captured_frame {
  frame_view screen;                // valid until the next capture() call
  std::vector<rect> changed_cells;  // 64x64 grid cells (clipped at edges) whose pixels differ
  bool size_changed = false;        // true on the first capture and after a RandR change
};

// Thread-safety: one thread (the capture thread) calls every member except wake(), which any
// thread may call at any time. The capturer owns the pixels that captured_frame::screen
// points to.
class screen_capturer {
 public:
  virtual ~screen_capturer() = default;

  // Blocks up to `timeout` until the screen may have changed (damage, cursor change) or
  // wake() is called. Returns true if there is damage to look at or the cursor image changed;
  // false on timeout or wake(). A wake() with no wait in progress makes the next wait return
  // at once. Costs no CPU while idle.
  virtual bool wait_for_change(std::chrono::milliseconds timeout) = 0;
  // Wakes a wait_for_change() from another thread.
  virtual void wake() = 0;
  // Grabs the damaged area, refines it, and fills `out`. When `full` is set, reports every
  // cell as changed (first frame, after a reconnect, after a viewer asks for a refresh).
  // With nothing damaged it grabs nothing and reports no cells. error_temporary: this frame
  // failed (e.g. the screen is being resized), try again; error_permanent: the display is
  // gone, make a new capturer. On error `out.changed_cells` and `out.screen` are empty.
  virtual capture_result capture(captured_frame& out, bool full) = 0;

  // Cursor: a new image when its serial changed since the last call, and the position.
  virtual std::optional<cursor_image> cursor_if_changed() = 0;
  virtual cursor_state cursor_position() = 0;

  // The screen's monitors, sorted left to right then top to bottom, as of the last
  // capture(); empty when the platform cannot tell (one monitor: the whole screen).
  virtual std::vector<monitor_area> monitors() const { return {}; }
};

// How the platform capturer may work. The defaults are what production uses; the other
// settings exist for measurement (bench/capture_bench.cpp) and for degraded servers.
struct capturer_options {
  // Grab through a kept shared-memory segment (X11: MIT-SHM). When false, or when the server
  // cannot attach the segment (remote display, separate IPC namespace), pixels are copied
  // through the X connection instead: correct but several times slower.
  bool use_shm = true;
  // Let the window system say where to look (X11: DAMAGE). When false, every capture() grabs
  // the whole screen and diffs every cell (the classic polling method), and
  // wait_for_change() returns true when its timeout expires, since it cannot know better.
  bool use_damage = true;
};

// The platform capturer for display `display_name` (nullptr/empty = $DISPLAY). Returns null
// with `error` set if no display can be opened or a required extension is missing.
std::unique_ptr<screen_capturer> make_screen_capturer(const std::string& display_name,
                                                      std::string& error);
std::unique_ptr<screen_capturer> make_screen_capturer(const std::string& display_name,
                                                      const capturer_options& options,
                                                      std::string& error);

}  // namespace visit::capture
