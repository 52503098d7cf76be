// Paints an X display from a test (kept apart: Xlib's macros clash with GoogleTest's names).
#pragma once
#include <string>

namespace visit::client::testing {

// Sets the root window's background to `rgb` (0xRRGGBB on a TrueColor 24-bit screen), clears
// it so the X server repaints it (producing damage), and waits until that is done.
// Returns false if the display cannot be opened.
bool paint_root(const std::string& display, unsigned long rgb);

}  // namespace visit::client::testing
