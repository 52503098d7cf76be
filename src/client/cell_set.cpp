#include "client/cell_set.hpp"

#include <algorithm>

#include "protocol/message.hpp"

namespace visit::client {

using protocol::cell_size;

void cell_set::reset(int width, int height) {
  width_ = std::max(width, 0);
  height_ = std::max(height, 0);
  columns_ = (width_ + cell_size - 1) / cell_size;
  rows_ = (height_ + cell_size - 1) / cell_size;
  bits_.assign(static_cast<std::size_t>(columns_) * static_cast<std::size_t>(rows_), 0);
  count_ = 0;
}

void cell_set::add(const rect& r) {
  const rect clipped = r.intersect(rect{0, 0, width_, height_});
  if (clipped.empty()) return;
  const int c0 = clipped.x / cell_size, c1 = (clipped.right() - 1) / cell_size;
  const int r0 = clipped.y / cell_size, r1 = (clipped.bottom() - 1) / cell_size;
  for (int row = r0; row <= r1; ++row) {
    for (int col = c0; col <= c1; ++col) {
      auto& b = bits_[static_cast<std::size_t>(row) * columns_ + col];
      count_ += b == 0;
      b = 1;
    }
  }
}

void cell_set::add_all() {
  std::fill(bits_.begin(), bits_.end(), std::uint8_t{1});
  count_ = bits_.size();
}

void cell_set::erase(std::size_t index) {
  count_ -= bits_[index] != 0;
  bits_[index] = 0;
}

void cell_set::clear() {
  std::fill(bits_.begin(), bits_.end(), std::uint8_t{0});
  count_ = 0;
}

rect cell_set::cell_rect(std::size_t index) const {
  const int col = static_cast<int>(index % static_cast<std::size_t>(columns_));
  const int row = static_cast<int>(index / static_cast<std::size_t>(columns_));
  const int x = col * cell_size, y = row * cell_size;
  return rect{x, y, std::min(cell_size, width_ - x), std::min(cell_size, height_ - y)};
}

}  // namespace visit::client
