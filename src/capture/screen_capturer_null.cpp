// The capturer factory of a build without a window system library: there is no screen.
#include "capture/screen_capturer.hpp"

namespace visit::capture {

std::unique_ptr<screen_capturer> make_screen_capturer(const std::string&, const capturer_options&,
                                                      std::string& error) {
  error = "visit was built without X11 support";
  return nullptr;
}

std::unique_ptr<screen_capturer> make_screen_capturer(const std::string& display_name,
                                                      std::string& error) {
  return make_screen_capturer(display_name, capturer_options{}, error);
}

}  // namespace visit::capture
