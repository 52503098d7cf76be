#include "capture/differ.hpp"

#include <algorithm>
#include <cstring>

namespace visit::capture {

void differ::reset(int width, int height) {
  grid_ = {std::max(width, 0), std::max(height, 0)};
  previous_ = frame_buffer(grid_.width, grid_.height);
  have_previous_ = false;
  marked_.reset(grid_);
}

void differ::keep_all(const frame_view& current) {
  const std::size_t row_bytes = static_cast<std::size_t>(grid_.width) * 4;
  if (current.stride == previous_.stride()) {
    std::memcpy(previous_.pixels.data(), current.data, row_bytes * grid_.height);
    return;
  }
  for (int y = 0; y < grid_.height; ++y) std::memcpy(previous_.row(y), current.row(y), row_bytes);
}

bool differ::compare_and_keep(const frame_view& current, const rect& r) {
  const std::size_t offset = static_cast<std::size_t>(r.x) * 4;
  const std::size_t bytes = static_cast<std::size_t>(r.w) * 4;
  for (int y = r.y; y < r.bottom(); ++y) {
    if (std::memcmp(current.row(y) + offset, previous_.row(y) + offset, bytes) == 0) continue;
    // Rows above y are equal already; copy from the first differing row down.
    for (; y < r.bottom(); ++y)
      std::memcpy(previous_.row(y) + offset, current.row(y) + offset, bytes);
    return true;
  }
  return false;
}

void differ::diff(const frame_view& current, std::span<const rect> damage, bool full,
                  std::vector<rect>& changed) {
  changed.clear();
  if (current.width != grid_.width || current.height != grid_.height) {
    reset(current.width, current.height);
  }
  if (full || !have_previous_) {
    keep_all(current);
    have_previous_ = true;
    const std::size_t count = grid_.count();
    changed.reserve(count);
    for (std::size_t i = 0; i < count; ++i) changed.push_back(grid_.cell(i));
    return;
  }

  // Mark the damaged cells first so overlapping rectangles compare each cell once, and so
  // the result comes out in row-major order whatever the order of `damage`.
  for (const rect& d : damage) marked_.add(d);
  for (std::size_t i = marked_.first(); i < marked_.capacity(); i = marked_.next(i + 1)) {
    const rect cell = grid_.cell(i);
    if (compare_and_keep(current, cell)) changed.push_back(cell);
  }
  marked_.clear();
}

}  // namespace visit::capture
