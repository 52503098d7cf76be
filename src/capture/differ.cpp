#include "capture/differ.hpp"

#include <algorithm>
#include <cstring>

namespace visit::capture {

void differ::reset(int width, int height) {
  grid_ = {std::max(width, 0), std::max(height, 0)};
  previous_ = frame_buffer(grid_.width, grid_.height);
  have_previous_ = false;
  marked_.assign(static_cast<std::size_t>(grid_.count()), 0);
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
  const int columns = grid_.columns(), rows = grid_.rows();
  if (full || !have_previous_) {
    keep_all(current);
    have_previous_ = true;
    changed.reserve(static_cast<std::size_t>(grid_.count()));
    for (int row = 0; row < rows; ++row) {
      for (int column = 0; column < columns; ++column) changed.push_back(grid_.cell(column, row));
    }
    return;
  }

  // Mark the damaged cells first so overlapping rectangles compare each cell once, and so
  // the result comes out in row-major order whatever the order of `damage`.
  const rect screen{0, 0, grid_.width, grid_.height};
  int first_row = rows, last_row = -1;
  for (const rect& d : damage) {
    const rect r = d.intersect(screen);
    if (r.empty()) continue;
    const int c0 = r.x / cell_size, c1 = (r.right() - 1) / cell_size;
    const int r0 = r.y / cell_size, r1 = (r.bottom() - 1) / cell_size;
    first_row = std::min(first_row, r0);
    last_row = std::max(last_row, r1);
    for (int row = r0; row <= r1; ++row) {
      std::memset(&marked_[static_cast<std::size_t>(row) * columns + c0], 1, c1 - c0 + 1);
    }
  }
  for (int row = first_row; row <= last_row; ++row) {
    std::uint8_t* flags = &marked_[static_cast<std::size_t>(row) * columns];
    for (int column = 0; column < columns; ++column) {
      if (!flags[column]) continue;
      flags[column] = 0;
      const rect cell = grid_.cell(column, row);
      if (compare_and_keep(current, cell)) changed.push_back(cell);
    }
  }
}

}  // namespace visit::capture
