// Where one application window is on the screen and which of its pixels are visible: the
// geometry behind single-application sharing (src/client/window_share.hpp). Platform backends
// live under capture/<platform>/ and are made by make_window_tracker().
//
// Thread-safety: none; one thread at a time (window_share serialises every call with its own
// mutex). The tracker has its own window-system connection.
#pragma once
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/geometry.hpp"

namespace visit::capture {

struct window_snapshot {
  bool exists = false;    // false: destroyed (or never watched)
  bool viewable = false;  // mapped, and so is everything it sits in (false when minimised)
  std::string title;      // _NET_WM_NAME, else WM_NAME; raw bytes from the application
  rect bounds;            // the window's inside in root coordinates, unclipped
  // Disjoint rectangles of `bounds` that are on the screen, inside the window's frame, and not
  // covered by any mapped top-level window above it. Empty unless viewable.
  std::vector<rect> visible;
  bool operator==(const window_snapshot&) const = default;
};

class window_tracker {
 public:
  virtual ~window_tracker() = default;

  // The id of a window whose _NET_WM_NAME or WM_NAME is exactly `title` (the topmost if
  // several), or 0 with `error` set.
  virtual std::uint64_t find_window(std::string_view title, std::string& error) = 0;
  // Starts watching `id` instead of any earlier window. False with `error` set when there is
  // no such window.
  virtual bool watch(std::uint64_t id, std::string& error) = 0;
  virtual void unwatch() = 0;
  std::uint64_t watched() const { return watched_; }

  // Reads the events queued so far without blocking (with `sync`, after a round trip, so that
  // every event the server generated before now is counted). Returns how many events that may
  // move, cover, uncover, map or unmap the watched window were seen since watch(): when this
  // count has not changed, a snapshot taken before is still true.
  virtual std::uint64_t poll_events(bool sync) = 0;
  // True once since the title changed (property events), reset by the call.
  virtual bool title_changed() = 0;
  // Asks the window system where the watched window is now (several round trips).
  virtual window_snapshot snapshot() = 0;
  // The input focus is the watched window or one of its descendants.
  virtual bool has_focus() = 0;
  // The pointer in root coordinates, nullopt when unknown.
  virtual std::optional<std::pair<int, int>> pointer() = 0;

 protected:
  std::uint64_t watched_ = 0;
};

// Subtracts `cut` from the disjoint rectangles `region` (in place; they stay disjoint).
void subtract_rect(std::vector<rect>& region, const rect& cut);

// The platform tracker for display `display_name` (empty = $DISPLAY); null with `error` set.
std::unique_ptr<window_tracker> make_window_tracker(const std::string& display_name,
                                                    std::string& error);

}  // namespace visit::capture
