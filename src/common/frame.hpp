// A screen image in memory: 32 bits per pixel in X11 ZPixmap order (B, G, R, X).
#pragma once
#include <cstddef>
#include <cstdint>
#include <vector>

namespace visit {

// Non-owning view of a BGRX image. The owner (a capturer or a frame_buffer) outlives it.
struct frame_view {
  const std::uint8_t* data = nullptr;
  int width = 0;
  int height = 0;
  int stride = 0;  // bytes per row, >= width * 4

  const std::uint8_t* row(int y) const { return data + static_cast<std::ptrdiff_t>(y) * stride; }
};

// An owning BGRX image, tightly packed.
struct frame_buffer {
  int width = 0;
  int height = 0;
  std::vector<std::uint8_t> pixels;

  frame_buffer() = default;
  frame_buffer(int w, int h) : width(w), height(h), pixels(static_cast<std::size_t>(w) * h * 4) {}
  int stride() const { return width * 4; }
  std::uint8_t* row(int y) { return pixels.data() + static_cast<std::size_t>(y) * stride(); }
  frame_view view() const { return {pixels.data(), width, height, stride()}; }
};

}  // namespace visit
