// Without X11 there is no display to watch.
#include "capture/display_watch.hpp"

namespace visit::capture {

std::unique_ptr<display_watch> make_display_watch(const std::string&, std::string& error) {
  error = "built without X11";
  return nullptr;
}

}  // namespace visit::capture
