// A set of cells of the 64x64 grid over a screen: the cells whose latest content has not
// been sent yet. Cells are numbered row-major, index = row * columns + column.
// Thread-safety: none; owned by the capture thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

#include "common/geometry.hpp"

namespace visit::client {

class cell_set {
 public:
  // An empty set over the grid of a width x height screen (both > 0).
  void reset(int width, int height);
  int width() const { return width_; }
  int height() const { return height_; }
  int columns() const { return columns_; }
  int rows() const { return rows_; }
  std::size_t capacity() const { return bits_.size(); }

  // Adds every cell that `r` overlaps (clipped to the screen).
  void add(const rect& r);
  void add_all();
  void erase(std::size_t index);
  void clear();

  bool contains(std::size_t index) const { return bits_[index] != 0; }
  bool empty() const { return count_ == 0; }
  std::size_t size() const { return count_; }
  // The pixels of cell `index`: 64x64, smaller at the right and bottom edges.
  rect cell_rect(std::size_t index) const;

 private:
  int width_ = 0, height_ = 0, columns_ = 0, rows_ = 0;
  std::vector<std::uint8_t> bits_;
  std::size_t count_ = 0;
};

}  // namespace visit::client
