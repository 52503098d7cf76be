// Block differ: refines "where the screen may have changed" (damage) into the 64x64 cells
// whose pixels really differ from the previous frame. Independent of any window system, so
// it is tested and benchmarked without X.
//
// Thread-safety: none; one owner (a capturer) uses it from one thread.
#pragma once
#include <cstdint>
#include <span>
#include <vector>

#include "common/cell_grid.hpp"
#include "common/frame.hpp"
#include "common/geometry.hpp"

namespace visit::capture {

class differ {
 public:
  differ() = default;
  differ(const differ&) = delete;
  differ& operator=(const differ&) = delete;

  // Forgets the kept frame; the next diff() reports every cell of a width x height screen.
  void reset(int width, int height);

  // Appends to `changed` (after clearing it) the cells of `current` that differ from the
  // kept frame, in row-major order, and updates the kept frame for exactly those cells.
  //  - Only cells that intersect a rectangle of `damage` are compared: the caller promises
  //    that pixels outside `damage` did not change since the previous call. Rectangles may
  //    overlap, over-report, or extend past the screen (they are clipped).
  //  - `full` reports every cell and keeps a copy of the whole frame (first frame, refresh).
  //  - The first call after reset(), or a `current` of another size than the kept frame
  //    (which then resets to that size), behaves as `full`.
  // `current` is only read during the call.
  void diff(const frame_view& current, std::span<const rect> damage, bool full,
            std::vector<rect>& changed);

  const cell_grid& grid() const { return grid_; }
  // The kept frame: what the cells reported so far contained when they were reported.
  frame_view previous() const { return previous_.view(); }

 private:
  // Compares cell `r` of `current` with the kept frame; on a difference copies the rest of
  // the cell into the kept frame and returns true.
  bool compare_and_keep(const frame_view& current, const rect& r);
  void keep_all(const frame_view& current);

  cell_grid grid_;
  frame_buffer previous_;
  bool have_previous_ = false;
  cell_set marked_;  // the damaged cells of one diff(); empty between calls
};

}  // namespace visit::capture
