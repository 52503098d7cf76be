// Without X11 there are no monitors to describe.
#include "capture/monitors.hpp"

namespace visit::capture {

std::vector<monitor_info> list_monitors(const std::string&, std::string& error) {
  error = "built without X11";
  return {};
}

}  // namespace visit::capture
