// The differ against a naive reference that compares every pixel of every cell.
#include "capture/differ.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstring>
#include <random>
#include <vector>

namespace visit::capture {
namespace {

std::vector<rect> naive_changed_cells(const frame_view& before, const frame_view& after) {
  std::vector<rect> cells;
  const cell_grid grid{after.width, after.height};
  for (int row = 0; row < grid.rows(); ++row) {
    for (int column = 0; column < grid.columns(); ++column) {
      const rect c = grid.cell(column, row);
      bool differs = false;
      for (int y = c.y; y < c.bottom() && !differs; ++y) {
        for (int x = c.x; x < c.right() && !differs; ++x) {
          differs = std::memcmp(before.row(y) + x * 4, after.row(y) + x * 4, 4) != 0;
        }
      }
      if (differs) cells.push_back(c);
    }
  }
  return cells;
}

bool same_pixels(const frame_view& a, const frame_view& b) {
  if (a.width != b.width || a.height != b.height) return false;
  for (int y = 0; y < a.height; ++y) {
    if (std::memcmp(a.row(y), b.row(y), static_cast<std::size_t>(a.width) * 4) != 0) return false;
  }
  return true;
}

// A BGRX image whose rows may be padded, as an XImage's can be.
struct padded_frame {
  int width, height, stride;
  std::vector<std::uint8_t> pixels;
  padded_frame(int w, int h, int padding)
      : width(w),
        height(h),
        stride(w * 4 + padding),
        pixels(static_cast<std::size_t>(stride) * h, 0) {}
  std::uint8_t* at(int x, int y) {
    return pixels.data() + static_cast<std::size_t>(y) * stride + x * 4;
  }
  frame_view view() const { return {pixels.data(), width, height, stride}; }
};

void randomize(padded_frame& f, const rect& r, std::mt19937& random, bool solid) {
  const auto colour = static_cast<std::uint32_t>(random());
  for (int y = r.y; y < r.bottom(); ++y) {
    for (int x = r.x; x < r.right(); ++x) {
      // Few distinct values so that "changes" often rewrite what was there already.
      const std::uint32_t v = solid ? colour : static_cast<std::uint32_t>(random() % 4) * 0x10203u;
      std::memcpy(f.at(x, y), &v, 4);
    }
  }
}

rect random_rect(std::mt19937& random, int width, int height, int max_side) {
  // May start before the screen and run past it, as damage can.
  const int w = 1 + static_cast<int>(random() % max_side),
            h = 1 + static_cast<int>(random() % max_side);
  const int x = static_cast<int>(random() % (width + 20)) - 10;
  const int y = static_cast<int>(random() % (height + 20)) - 10;
  return {x, y, w, h};
}

TEST(differ, full_reports_every_cell_clipped_at_the_edges) {
  frame_buffer f(1000, 700);
  differ d;
  d.reset(1000, 700);
  std::vector<rect> changed;
  d.diff(f.view(), {}, true, changed);
  ASSERT_EQ(changed.size(), 16u * 11u);  // 1000 = 15*64 + 40, 700 = 10*64 + 60
  EXPECT_EQ(changed.front(), (rect{0, 0, 64, 64}));
  EXPECT_EQ(changed[14], (rect{896, 0, 64, 64}));
  EXPECT_EQ(changed[15], (rect{960, 0, 40, 64}));
  EXPECT_EQ(changed[16], (rect{0, 64, 64, 64}));
  EXPECT_EQ(changed[16 * 10], (rect{0, 640, 64, 60}));
  EXPECT_EQ(changed.back(), (rect{960, 640, 40, 60}));
  long long area = 0;
  for (const rect& r : changed) area += static_cast<long long>(r.w) * r.h;
  EXPECT_EQ(area, 1000LL * 700);
}

TEST(differ, first_diff_after_reset_is_full_whatever_the_damage) {
  frame_buffer f(130, 65);
  differ d;
  d.reset(130, 65);
  std::vector<rect> changed;
  d.diff(f.view(), {}, false, changed);
  EXPECT_EQ(changed.size(), 3u * 2u);
  d.diff(f.view(), {}, false, changed);
  EXPECT_TRUE(changed.empty());
}

TEST(differ, over_reported_damage_is_refined_to_the_changed_cell) {
  frame_buffer f(1000, 700);
  differ d;
  std::vector<rect> changed;
  d.diff(f.view(), {}, true, changed);
  f.row(699)[999 * 4 + 1] = 7;  // the bottom-right pixel, in the clipped corner cell
  f.row(64)[64 * 4] = 1;        // the first pixel of cell (1, 1)
  f.row(63)[63 * 4 + 2] = 9;    // the last pixel of cell (0, 0)
  const rect all{0, 0, 1000, 700};
  d.diff(f.view(), {&all, 1}, false, changed);
  EXPECT_EQ(changed, (std::vector<rect>{{0, 0, 64, 64}, {64, 64, 64, 64}, {960, 640, 40, 60}}));
  d.diff(f.view(), {&all, 1}, false, changed);
  EXPECT_TRUE(changed.empty());
}

TEST(differ, looks_only_where_damaged) {
  frame_buffer f(256, 256);
  differ d;
  std::vector<rect> changed;
  d.diff(f.view(), {}, true, changed);
  f.row(10)[10 * 4] = 1;    // cell (0, 0)
  f.row(200)[200 * 4] = 1;  // cell (3, 3)
  const rect damage{0, 0, 20, 20};
  d.diff(f.view(), {&damage, 1}, false, changed);
  EXPECT_EQ(changed, (std::vector<rect>{{0, 0, 64, 64}}));
  // The unseen change was not kept either, so damage reveals it later.
  EXPECT_EQ(d.previous().row(200)[200 * 4], 0);
  const rect later{199, 199, 2, 2};
  d.diff(f.view(), {&later, 1}, false, changed);
  EXPECT_EQ(changed, (std::vector<rect>{{192, 192, 64, 64}}));
}

TEST(differ, damage_outside_the_screen_is_ignored) {
  frame_buffer f(100, 100);
  differ d;
  std::vector<rect> changed;
  d.diff(f.view(), {}, true, changed);
  f.row(99)[99 * 4] = 5;
  const std::vector<rect> damage = {{-50, -50, 10, 10},   {100, 0, 10, 10}, {0, 100, 5, 5},
                                    {90, 90, 1000, 1000}, {0, 0, 0, 0},     {5, 5, -3, 4}};
  d.diff(f.view(), damage, false, changed);
  EXPECT_EQ(changed, (std::vector<rect>{{64, 64, 36, 36}}));
}

TEST(differ, a_frame_of_another_size_resets) {
  differ d;
  std::vector<rect> changed;
  frame_buffer a(128, 128), b(200, 64);
  d.diff(a.view(), {}, false, changed);
  EXPECT_EQ(changed.size(), 4u);
  d.diff(b.view(), {}, false, changed);
  EXPECT_EQ(changed.size(), 4u);
  EXPECT_EQ(d.grid().width, 200);
  EXPECT_EQ(changed.back(), (rect{192, 0, 8, 64}));
}

TEST(differ, tiny_screens) {
  for (auto [w, h] : {std::pair{1, 1}, {63, 1}, {1, 65}, {64, 64}, {65, 63}}) {
    frame_buffer f(w, h);
    differ d;
    std::vector<rect> changed;
    d.diff(f.view(), {}, true, changed);
    EXPECT_EQ(static_cast<int>(changed.size()), ((w + 63) / 64) * ((h + 63) / 64)) << w << "x" << h;
    f.row(h - 1)[(w - 1) * 4] = 1;
    const rect all{0, 0, w, h};
    d.diff(f.view(), {&all, 1}, false, changed);
    ASSERT_EQ(changed.size(), 1u);
    EXPECT_TRUE(changed[0].contains({w - 1, h - 1, 1, 1}));
  }
}

// Random frames with random changed rectangles, damage = the changes plus over-reported
// extra rectangles: the differ must find exactly the cells a per-pixel comparison finds, and
// its kept frame must then equal the current frame.
class differ_random : public testing::TestWithParam<std::tuple<int, int, int>> {};

TEST_P(differ_random, matches_the_naive_reference) {
  const auto [width, height, padding] = GetParam();
  std::mt19937 random(static_cast<unsigned>(width * 131 + height * 7 + padding));
  padded_frame current(width, height, padding);
  randomize(current, {0, 0, width, height}, random, false);
  differ d;
  std::vector<rect> changed;
  d.diff(current.view(), {}, true, changed);

  int total_changed = 0;
  const int iterations = width * height > 1'000'000 ? 60 : 300;  // keep sanitizer runs short
  for (int iteration = 0; iteration < iterations; ++iteration) {
    padded_frame before = current;
    std::vector<rect> damage;
    const int changes = static_cast<int>(random() % 6);
    for (int i = 0; i < changes; ++i) {
      const rect r =
          random_rect(random, width, height, i == 0 ? 8 : 150).intersect({0, 0, width, height});
      if (r.empty()) continue;
      randomize(current, r, random, random() % 2 == 0);
      damage.push_back(r);
    }
    if (random() % 5 == 0) {  // a single-pixel change, often at a cell border
      const int x = std::min(width - 1, static_cast<int>(random() % 4) * 64 + 63);
      const int y = std::min(height - 1, static_cast<int>(random() % 4) * 64 + 63);
      current.at(x, y)[2] ^= 0x80;
      damage.push_back({x, y, 1, 1});
    }
    const int extra = static_cast<int>(random() % 3);
    for (int i = 0; i < extra; ++i) damage.push_back(random_rect(random, width, height, 300));
    std::shuffle(damage.begin(), damage.end(), random);

    d.diff(current.view(), damage, false, changed);
    const std::vector<rect> expected = naive_changed_cells(before.view(), current.view());
    ASSERT_EQ(changed, expected) << "iteration " << iteration;
    ASSERT_TRUE(same_pixels(d.previous(), current.view())) << "iteration " << iteration;
    total_changed += static_cast<int>(changed.size());
  }
  EXPECT_GT(total_changed, 0);
}

INSTANTIATE_TEST_SUITE_P(sizes, differ_random,
                         testing::Values(std::tuple{1000, 700, 0}, std::tuple{1000, 700, 12},
                                         std::tuple{256, 256, 0}, std::tuple{130, 70, 4},
                                         std::tuple{63, 65, 0}, std::tuple{1920, 1080, 0}));

}  // namespace
}  // namespace visit::capture
