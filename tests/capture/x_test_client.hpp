// The X client that tests and benchmarks draw with: its own Display connection, kept out of
// the test files so that Xlib's macros (None, Bool, Status...) never meet GoogleTest.
// It also records what it drew over a black root in expected(), for pixel comparisons.
//
// Thread-safety: none; one thread.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/frame.hpp"
#include "common/geometry.hpp"

namespace visit::test {

class x_test_client {
 public:
  // Connects to `display` (":N"), whose root is width x height and black.
  x_test_client(const std::string& display, int width, int height);
  ~x_test_client();
  x_test_client(const x_test_client&) = delete;
  x_test_client& operator=(const x_test_client&) = delete;

  bool ok() const;
  // Fills `r` of the root window with 0xRRGGBB.
  void fill(const rect& r, std::uint32_t rgb);
  // Creates and maps a plain window at `r` whose background is 0xRRGGBB. Returns its index
  // for fill_in_window().
  int map_window(const rect& r, std::uint32_t rgb);
  // Fills `r`, in the coordinates of window `index`, with 0xRRGGBB (clipped to the window).
  void fill_in_window(int index, const rect& r, std::uint32_t rgb);
  // Sets the root window's cursor to a 16x16 two-colour cursor: source bits set in the
  // top-left 8x8 (red), mask 12x12 (the rest of it blue), transparent outside; hot spot (3, 4).
  void define_test_cursor();
  void warp_pointer(int x, int y);
  // Changes the screen size through RandR like a display settings tool: a new mode on the
  // first CRTC, then the screen size. Returns false if the server refused.
  bool resize_screen(int width, int height);
  // Waits until the server has processed everything sent so far.
  void sync();

  const frame_buffer& expected() const { return expected_; }

 private:
  void paint_expected(const rect& r, std::uint32_t rgb);
  struct impl;
  std::unique_ptr<impl> impl_;
  frame_buffer expected_;
  std::vector<rect> window_areas_;
};

}  // namespace visit::test
