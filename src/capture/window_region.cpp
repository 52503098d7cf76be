// The portable part of the window tracker: rectangle arithmetic.
#include "capture/window_tracker.hpp"

namespace visit::capture {

void subtract_rect(std::vector<rect>& region, const rect& cut) {
  if (cut.empty()) return;
  std::vector<rect> out;
  out.reserve(region.size() + 4);
  for (const rect& r : region) {
    const rect i = r.intersect(cut);
    if (i.empty()) {
      out.push_back(r);
      continue;
    }
    // Up to four pieces: the bands above and below the cut, then left and right of it.
    if (i.y > r.y) out.push_back({r.x, r.y, r.w, i.y - r.y});
    if (i.bottom() < r.bottom()) out.push_back({r.x, i.bottom(), r.w, r.bottom() - i.bottom()});
    if (i.x > r.x) out.push_back({r.x, i.y, i.x - r.x, i.h});
    if (i.right() < r.right()) out.push_back({i.right(), i.y, r.right() - i.right(), i.h});
  }
  region = std::move(out);
}

}  // namespace visit::capture
