// The X11 screen capturer: MIT-SHM grabs of the root window, steered by DAMAGE, refined by
// the differ; cursor through XFixes; size changes through RandR.
//
// How a frame is found: the server sends one DamageNotify when the root's damage goes from
// empty to non-empty (XDamageReportNonEmpty). capture() moves the damage into a region
// (XDamageSubtract, so later drawing raises a new notify), fetches its rectangles, grabs only
// the rows they span into the kept segment, and lets the differ compare only the damaged
// cells. A still screen costs nothing: no events, no grabs, and wait_for_change() sleeps in
// poll() on the X connection and an eventfd.
//
// Thread-safety: as screen_capturer. The capturer has its own Display connection.
#pragma once
#include <X11/Xlib.h>
#include <X11/extensions/Xdamage.h>
#include <X11/extensions/Xfixes.h>

#include <memory>
#include <string>
#include <vector>

#include "capture/differ.hpp"
#include "capture/screen_capturer.hpp"
#include "capture/x11/root_image.hpp"
#include "x11/x11_handles.hpp"

namespace visit::capture::x11 {

using namespace ::visit::x11;  // the shared Xlib plumbing (src/x11)

class screen_capturer_x11 final : public screen_capturer {
 public:
  // Null with `error` set when the display cannot be opened, lacks DAMAGE (unless
  // options.use_damage is false) or XFixes 2, or has a pixel format other than 32-bit BGRX.
  static std::unique_ptr<screen_capturer_x11> create(const std::string& display_name,
                                                     const capturer_options& options,
                                                     std::string& error);
  ~screen_capturer_x11() override;
  screen_capturer_x11(const screen_capturer_x11&) = delete;
  screen_capturer_x11& operator=(const screen_capturer_x11&) = delete;

  bool wait_for_change(std::chrono::milliseconds timeout) override;
  void wake() override;
  capture_result capture(captured_frame& out, bool full) override;
  std::optional<cursor_image> cursor_if_changed() override;
  cursor_state cursor_position() override;
  std::vector<monitor_area> monitors() const override { return monitors_; }

  // False when the server refused the shared-memory segment and grabs go through the socket.
  bool uses_shm() const { return image_ && image_->uses_shm(); }

 private:
  explicit screen_capturer_x11(const capturer_options& options);
  bool init(const std::string& display_name, std::string& error);
  // Reads every queued event without blocking and records what it means.
  void process_events();
  void handle_event(XEvent& event);
  // Re-reads the root size; on a change re-creates the segment and resets the differ.
  capture_result update_size();
  // Re-reads the RandR monitors into monitors_ (after every RandR change).
  void update_monitors();
  // Fills damage_ from the server's damage region; false if none.
  bool take_damage();
  capture_result grab_failed();

  capturer_options options_;
  unique_display display_;  // declared first: closed after every resource below
  bool dead_ = false;       // the connection is lost; set by the I/O error exit handler
  Window root_ = 0;
  Visual* visual_ = nullptr;  // owned by the display
  int depth_ = 0;
  int width_ = 0, height_ = 0;
  bool randr_monitors_ = false;         // the server has RandR 1.5 (XRRGetMonitors)
  std::vector<monitor_area> monitors_;  // sorted; empty = unknown
  int damage_event_base_ = 0, fixes_event_base_ = 0, randr_event_base_ = -1;

  x_id<XDamageDestroy> damage_;
  x_id<XFixesDestroyRegion> region_;
  std::unique_ptr<root_image> image_;
  differ differ_;
  int wake_fd_ = -1;  // eventfd, owned

  bool damage_pending_ = false;  // a DamageNotify arrived since the last XDamageSubtract
  bool size_dirty_ = true;       // RandR/ConfigureNotify seen, or not set up yet
  bool force_full_ = true;       // first frame, or a failed grab lost damage
  bool report_size_ = false;     // the next successful capture reports size_changed
  bool cursor_dirty_ = false;    // a cursor change arrived since cursor_if_changed()
  bool cursor_signal_ = false;   // ... and wait_for_change() has not reported it yet
  bool have_cursor_ = false;
  bool warned_no_shm_ = false;
  unsigned long cursor_serial_ = 0;

  std::vector<rect> damage_rects_;          // scratch, kept to avoid allocations
  std::vector<std::pair<int, int>> bands_;  // scratch: [top, bottom) rows to grab
};

}  // namespace visit::capture::x11
