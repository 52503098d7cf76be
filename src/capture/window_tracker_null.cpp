// The window tracker of a build without a window system library: no windows to share.
#include "capture/window_tracker.hpp"

namespace visit::capture {

std::unique_ptr<window_tracker> make_window_tracker(const std::string&, std::string& error) {
  error = "visit was built without X11 support";
  return nullptr;
}

}  // namespace visit::capture
