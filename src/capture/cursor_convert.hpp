// Conversion of a window system's cursor image into the protocol's cursor_shape form
// (docs/protocol.md §5): RGBA, not premultiplied, at most max_cursor_side pixels a side.
// Pure functions, no platform headers; the X11 backend feeds XFixes images through them.
#pragma once
#include <cstdint>
#include <span>

#include "capture/screen_capturer.hpp"

namespace visit::capture {

inline constexpr int max_cursor_side = 128;

// `argb` holds width*height pixels, each in the low 32 bits of an unsigned long as
// 0xAARRGGBB with premultiplied alpha (the XFixesGetCursorImage layout). Images larger than
// max_cursor_side are clipped to their top-left corner, and the hot spot is clamped inside
// the result. An empty image (or too few pixels) gives a 1x1 transparent cursor, so the
// result always satisfies 1 <= w, h <= 128 and hot < size.
cursor_image cursor_from_premultiplied_argb(std::span<const unsigned long> argb, int width,
                                            int height, int hot_x, int hot_y, std::uint64_t serial);

}  // namespace visit::capture
