#include "capture/cursor_convert.hpp"

#include <algorithm>

namespace visit::capture {

namespace {

std::uint8_t unpremultiply(std::uint32_t c, std::uint32_t a) {
  // Round to nearest; a premultiplied channel can exceed alpha in malformed images.
  return static_cast<std::uint8_t>(std::min<std::uint32_t>(255, (c * 255 + a / 2) / a));
}

}  // namespace

cursor_image cursor_from_premultiplied_argb(std::span<const unsigned long> argb, int width,
                                            int height, int hot_x, int hot_y,
                                            std::uint64_t serial) {
  cursor_image out;
  out.serial = serial;
  if (width <= 0 || height <= 0 ||
      argb.size() < static_cast<std::size_t>(width) * static_cast<std::size_t>(height)) {
    out.width = out.height = 1;
    out.rgba.assign(4, 0);
    return out;
  }
  out.width = std::min(width, max_cursor_side);
  out.height = std::min(height, max_cursor_side);
  out.hot_x = std::clamp(hot_x, 0, out.width - 1);
  out.hot_y = std::clamp(hot_y, 0, out.height - 1);
  out.rgba.resize(static_cast<std::size_t>(out.width) * out.height * 4);
  std::uint8_t* dst = out.rgba.data();
  for (int y = 0; y < out.height; ++y) {
    const unsigned long* src = argb.data() + static_cast<std::size_t>(y) * width;
    for (int x = 0; x < out.width; ++x, dst += 4) {
      const auto p = static_cast<std::uint32_t>(src[x] & 0xffffffffUL);
      const std::uint32_t a = p >> 24;
      if (a == 0) {
        dst[0] = dst[1] = dst[2] = dst[3] = 0;
        continue;
      }
      dst[0] = unpremultiply((p >> 16) & 0xff, a);
      dst[1] = unpremultiply((p >> 8) & 0xff, a);
      dst[2] = unpremultiply(p & 0xff, a);
      dst[3] = static_cast<std::uint8_t>(a);
    }
  }
  return out;
}

}  // namespace visit::capture
