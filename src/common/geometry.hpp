// Plain geometry used everywhere: no platform headers, no Asio.
#pragma once
#include <algorithm>
#include <cstdint>

namespace visit {

struct rect {
  int x = 0;
  int y = 0;
  int w = 0;
  int h = 0;

  constexpr bool empty() const { return w <= 0 || h <= 0; }
  constexpr int right() const { return x + w; }
  constexpr int bottom() const { return y + h; }
  constexpr bool operator==(const rect&) const = default;

  constexpr rect intersect(const rect& o) const {
    int l = std::max(x, o.x), t = std::max(y, o.y);
    int r = std::min(right(), o.right()), b = std::min(bottom(), o.bottom());
    return r > l && b > t ? rect{l, t, r - l, b - t} : rect{};
  }
  constexpr bool contains(const rect& o) const {
    return o.x >= x && o.y >= y && o.right() <= right() && o.bottom() <= bottom();
  }
};

}  // namespace visit
