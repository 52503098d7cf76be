#include "capture/cursor_convert.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace visit::capture {
namespace {

std::vector<std::uint8_t> pixel(const cursor_image& c, int x, int y) {
  const auto* p = c.rgba.data() + (static_cast<std::size_t>(y) * c.width + x) * 4;
  return {p[0], p[1], p[2], p[3]};
}

TEST(cursor_convert, unpremultiplies_argb_into_rgba) {
  const std::vector<unsigned long> argb = {
      0xff102030UL,  // opaque: unchanged
      0x00000000UL,  // transparent
      0x80404000UL,  // half: 0x40 * 255 / 128 = 127.5 -> 128
      0x01010101UL,  // barely there: 1 * 255 / 1 = 255
  };
  const cursor_image c = cursor_from_premultiplied_argb(argb, 2, 2, 1, 0, 42);
  ASSERT_EQ(c.width, 2);
  ASSERT_EQ(c.height, 2);
  EXPECT_EQ(c.hot_x, 1);
  EXPECT_EQ(c.hot_y, 0);
  EXPECT_EQ(c.serial, 42u);
  ASSERT_EQ(c.rgba.size(), 16u);
  EXPECT_EQ(pixel(c, 0, 0), (std::vector<std::uint8_t>{0x10, 0x20, 0x30, 0xff}));
  EXPECT_EQ(pixel(c, 1, 0), (std::vector<std::uint8_t>{0, 0, 0, 0}));
  EXPECT_EQ(pixel(c, 0, 1), (std::vector<std::uint8_t>{128, 128, 0, 0x80}));
  EXPECT_EQ(pixel(c, 1, 1), (std::vector<std::uint8_t>{255, 255, 255, 1}));
}

TEST(cursor_convert, ignores_the_upper_half_of_a_64_bit_long) {
  if (sizeof(unsigned long) < 8) GTEST_SKIP() << "32-bit long";
  const std::vector<unsigned long> argb = {static_cast<unsigned long>(0xdeadbeef00000000ULL) |
                                           0xff0000ffUL};
  const cursor_image c = cursor_from_premultiplied_argb(argb, 1, 1, 0, 0, 1);
  EXPECT_EQ(pixel(c, 0, 0), (std::vector<std::uint8_t>{0, 0, 0xff, 0xff}));
}

TEST(cursor_convert, malformed_premultiplied_values_saturate) {
  const std::vector<unsigned long> argb = {0x10ff8000UL};  // colour above alpha
  const cursor_image c = cursor_from_premultiplied_argb(argb, 1, 1, 0, 0, 1);
  EXPECT_EQ(pixel(c, 0, 0), (std::vector<std::uint8_t>{255, 255, 0, 0x10}));
}

TEST(cursor_convert, clips_large_cursors_to_the_top_left_128x128) {
  const int w = 200, h = 150;
  std::vector<unsigned long> argb(static_cast<std::size_t>(w) * h);
  for (int y = 0; y < h; ++y) {
    for (int x = 0; x < w; ++x) {
      argb[static_cast<std::size_t>(y) * w + x] =
          0xff000000UL | static_cast<unsigned long>(x) << 8 | static_cast<unsigned long>(y);
    }
  }
  const cursor_image c = cursor_from_premultiplied_argb(argb, w, h, 190, 140, 7);
  ASSERT_EQ(c.width, 128);
  ASSERT_EQ(c.height, 128);
  EXPECT_EQ(c.rgba.size(), 128u * 128u * 4u);
  EXPECT_EQ(c.hot_x, 127);
  EXPECT_EQ(c.hot_y, 127);
  EXPECT_EQ(pixel(c, 127, 5), (std::vector<std::uint8_t>{0, 127, 5, 0xff}));
  EXPECT_EQ(pixel(c, 3, 127), (std::vector<std::uint8_t>{0, 3, 127, 0xff}));
}

TEST(cursor_convert, empty_or_short_images_become_one_transparent_pixel) {
  const cursor_image empty = cursor_from_premultiplied_argb({}, 0, 0, 5, 5, 3);
  EXPECT_EQ(empty.width, 1);
  EXPECT_EQ(empty.height, 1);
  EXPECT_EQ(empty.hot_x, 0);
  EXPECT_EQ(empty.rgba, (std::vector<std::uint8_t>{0, 0, 0, 0}));
  const std::vector<unsigned long> three(3, 0xffffffffUL);
  const cursor_image short_one = cursor_from_premultiplied_argb(three, 2, 2, 0, 0, 3);
  EXPECT_EQ(short_one.width, 1);
}

}  // namespace
}  // namespace visit::capture
