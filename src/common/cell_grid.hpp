// The grid of 64x64 cells over a screen (docs/protocol.md §4), and a set of its cells. The one
// definition of the grid: the differ marks and reports cells of it, the client keeps the cells
// it has not sent yet in a cell_set, the hub keeps one cell_set of dirty cells per viewer, and
// the frame parser checks tiles against it. Header-only: everything here sits on the paths
// that touch every cell of every frame.
//
// Thread-safety: plain values; no shared state.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <vector>

#include "common/geometry.hpp"

namespace visit {

// Side of a cell. Cells start at multiples of cell_size; the last column and row are clipped
// to the screen, so they may be narrower or shorter.
inline constexpr int cell_size = 64;

// The cell grid of a width x height screen. Cells are numbered row-major:
// index = row * columns() + column. A grid of a zero (or negative) size has no cells.
struct cell_grid {
  int width = 0, height = 0;

  constexpr int columns() const { return width > 0 ? (width + cell_size - 1) / cell_size : 0; }
  constexpr int rows() const { return height > 0 ? (height + cell_size - 1) / cell_size : 0; }
  constexpr std::size_t count() const {
    return static_cast<std::size_t>(columns()) * static_cast<std::size_t>(rows());
  }

  // Index of cell (column, row); precondition: both inside the grid.
  constexpr std::size_t index(int column, int row) const {
    return static_cast<std::size_t>(row) * static_cast<std::size_t>(columns()) +
           static_cast<std::size_t>(column);
  }
  // Index of the cell holding pixel (x, y); precondition: the pixel is on the screen.
  constexpr std::size_t index_at(int x, int y) const { return index(x / cell_size, y / cell_size); }
  // The screen area of cell (column, row), clipped at the right and bottom edges.
  constexpr rect cell(int column, int row) const {
    const int x = column * cell_size, y = row * cell_size;
    return {x, y, std::min(cell_size, width - x), std::min(cell_size, height - y)};
  }
  // The screen area of cell `index` (< count()).
  constexpr rect cell(std::size_t index) const {
    const auto c = static_cast<std::size_t>(columns());
    return cell(static_cast<int>(index % c), static_cast<int>(index / c));
  }

  // The columns and rows of the cells that a rectangle overlaps, inclusive.
  struct range {
    int first_column = 0, first_row = 0, last_column = -1, last_row = -1;
    constexpr bool empty() const { return last_column < first_column || last_row < first_row; }
  };
  // The cells `r` overlaps once clipped to the screen; empty when it misses the screen.
  constexpr range cells_of(const rect& r) const {
    const rect c = r.intersect(rect{0, 0, width, height});
    if (c.empty()) return {};
    return {c.x / cell_size, c.y / cell_size, (c.right() - 1) / cell_size,
            (c.bottom() - 1) / cell_size};
  }

  constexpr bool operator==(const cell_grid&) const = default;
};

// A set of cells of one grid, one byte per cell (so a rectangle is marked with one memset per
// row), with its size kept. Iterating with first()/next() visits members in row-major order.
// Thread-safety: none; one owner.
class cell_set {
 public:
  cell_set() = default;
  explicit cell_set(const cell_grid& grid) { reset(grid); }

  // Empties the set and makes it a set over `grid` (reuses its memory when it can).
  void reset(const cell_grid& grid) {
    grid_ = {std::max(grid.width, 0), std::max(grid.height, 0)};
    flags_.assign(grid_.count(), 0);
    size_ = 0;
  }
  void reset(int width, int height) { reset(cell_grid{width, height}); }

  const cell_grid& grid() const { return grid_; }
  int width() const { return grid_.width; }
  int height() const { return grid_.height; }
  // The number of cells of the grid: indices run over [0, capacity()).
  std::size_t capacity() const { return flags_.size(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  bool contains(std::size_t index) const { return flags_[index] != 0; }

  // Adds cell `index` (< capacity()); true if it was not a member.
  bool add(std::size_t index) {
    if (flags_[index]) return false;
    flags_[index] = 1;
    ++size_;
    return true;
  }
  // Adds every cell that `r` overlaps, clipped to the screen.
  void add(const rect& r) {
    const cell_grid::range s = grid_.cells_of(r);
    if (s.empty()) return;
    const auto n = static_cast<std::size_t>(s.last_column - s.first_column + 1);
    for (int row = s.first_row; row <= s.last_row; ++row) {
      std::uint8_t* f = flags_.data() + grid_.index(s.first_column, row);
      for (std::size_t i = 0; i < n; ++i) size_ += f[i] == 0;
      std::memset(f, 1, n);
    }
  }
  void add_all() {
    std::fill(flags_.begin(), flags_.end(), std::uint8_t{1});
    size_ = flags_.size();
  }
  // Removes cell `index` (< capacity()); true if it was a member.
  bool erase(std::size_t index) {
    if (!flags_[index]) return false;
    flags_[index] = 0;
    --size_;
    return true;
  }
  void clear() {
    if (size_ == 0) return;
    std::fill(flags_.begin(), flags_.end(), std::uint8_t{0});
    size_ = 0;
  }

  // The smallest member >= `from`, or capacity() when there is none.
  std::size_t next(std::size_t from) const {
    if (size_ == 0 || from >= flags_.size()) return flags_.size();
    const void* hit = std::memchr(flags_.data() + from, 1, flags_.size() - from);
    return hit ? static_cast<std::size_t>(static_cast<const std::uint8_t*>(hit) - flags_.data())
               : flags_.size();
  }
  std::size_t first() const { return next(0); }

  // The screen area of cell `index`.
  rect cell_rect(std::size_t index) const { return grid_.cell(index); }

 private:
  cell_grid grid_;
  std::vector<std::uint8_t> flags_;
  std::size_t size_ = 0;
};

}  // namespace visit
