// The one cell grid (common/cell_grid.hpp): sizes, clipped edge cells, rectangles to cells,
// and cell_set's membership and row-major iteration.
#include "common/cell_grid.hpp"

#include <gtest/gtest.h>

#include <vector>

namespace visit {
namespace {

std::vector<std::size_t> members(const cell_set& s) {
  std::vector<std::size_t> out;
  for (std::size_t i = s.first(); i < s.capacity(); i = s.next(i + 1)) out.push_back(i);
  return out;
}

TEST(cell_grid, counts_cells_with_partial_edges) {
  EXPECT_EQ(cell_size, 64);
  const cell_grid exact{128, 64};
  EXPECT_EQ(exact.columns(), 2);
  EXPECT_EQ(exact.rows(), 1);
  EXPECT_EQ(exact.count(), 2u);
  const cell_grid odd{130, 70};
  EXPECT_EQ(odd.columns(), 3);
  EXPECT_EQ(odd.rows(), 2);
  EXPECT_EQ(odd.count(), 6u);
  EXPECT_EQ((cell_grid{1, 1}.count()), 1u);
  EXPECT_EQ((cell_grid{1920, 1080}.count()), 30u * 17u);
  EXPECT_EQ((cell_grid{8192, 8192}.count()), 128u * 128u);
  EXPECT_EQ((cell_grid{0, 100}.count()), 0u);
  EXPECT_EQ((cell_grid{-5, 100}.count()), 0u);
  EXPECT_EQ((cell_grid{63, 65}.rows()), 2);
}

TEST(cell_grid, edge_cells_are_clipped_to_the_screen) {
  const cell_grid g{130, 70};
  EXPECT_EQ(g.cell(0, 0), (rect{0, 0, 64, 64}));
  EXPECT_EQ(g.cell(1, 0), (rect{64, 0, 64, 64}));
  EXPECT_EQ(g.cell(2, 0), (rect{128, 0, 2, 64}));
  EXPECT_EQ(g.cell(0, 1), (rect{0, 64, 64, 6}));
  EXPECT_EQ(g.cell(2, 1), (rect{128, 64, 2, 6}));
  // By index, row-major: index = row * columns + column.
  for (int row = 0; row < g.rows(); ++row) {
    for (int column = 0; column < g.columns(); ++column) {
      const std::size_t i = g.index(column, row);
      EXPECT_EQ(i, static_cast<std::size_t>(row * 3 + column));
      EXPECT_EQ(g.cell(i), g.cell(column, row));
      const rect c = g.cell(i);
      EXPECT_EQ(g.index_at(c.x, c.y), i);
      EXPECT_EQ(g.index_at(c.right() - 1, c.bottom() - 1), i);
    }
  }
  // The cells tile the screen exactly.
  long area = 0;
  for (std::size_t i = 0; i < g.count(); ++i) area += long{g.cell(i).w} * g.cell(i).h;
  EXPECT_EQ(area, 130L * 70L);
}

TEST(cell_grid, rectangles_map_to_the_cells_they_overlap) {
  const cell_grid g{130, 70};
  auto s = g.cells_of({63, 0, 2, 1});  // straddles the first boundary
  EXPECT_EQ(s.first_column, 0);
  EXPECT_EQ(s.last_column, 1);
  EXPECT_EQ(s.first_row, 0);
  EXPECT_EQ(s.last_row, 0);
  s = g.cells_of({64, 64, 1, 1});  // exactly on a boundary: one cell
  EXPECT_EQ(s.first_column, 1);
  EXPECT_EQ(s.last_column, 1);
  EXPECT_EQ(s.first_row, 1);
  EXPECT_EQ(s.last_row, 1);
  s = g.cells_of({0, 0, 64, 64});  // a whole cell, ending on the boundary
  EXPECT_EQ(s.last_column, 0);
  EXPECT_EQ(s.last_row, 0);
  s = g.cells_of({-100, -100, 1000, 1000});  // clipped to the screen
  EXPECT_EQ(s.first_column, 0);
  EXPECT_EQ(s.first_row, 0);
  EXPECT_EQ(s.last_column, 2);
  EXPECT_EQ(s.last_row, 1);
  EXPECT_TRUE(g.cells_of({130, 0, 10, 10}).empty());  // just right of the screen
  EXPECT_TRUE(g.cells_of({0, 70, 10, 10}).empty());   // just below it
  EXPECT_TRUE(g.cells_of({5, 5, 0, 10}).empty());     // empty rectangle
  EXPECT_TRUE((cell_grid{}.cells_of({0, 0, 10, 10}).empty()));
}

TEST(cell_set, adds_erases_and_counts) {
  cell_set s(cell_grid{130, 70});
  EXPECT_EQ(s.capacity(), 6u);
  EXPECT_TRUE(s.empty());
  EXPECT_EQ(s.first(), s.capacity());
  EXPECT_TRUE(s.add(4));
  EXPECT_FALSE(s.add(4));
  EXPECT_EQ(s.size(), 1u);
  s.add(rect{60, 60, 10, 10});  // cells 0, 1, 3, 4: three new
  EXPECT_EQ(s.size(), 4u);
  EXPECT_EQ(members(s), (std::vector<std::size_t>{0, 1, 3, 4}));
  s.add(rect{129, 69, 50, 50});  // the 2x6 corner cell, clipped
  EXPECT_EQ(members(s), (std::vector<std::size_t>{0, 1, 3, 4, 5}));
  EXPECT_TRUE(s.erase(1));
  EXPECT_FALSE(s.erase(1));
  EXPECT_FALSE(s.contains(1));
  EXPECT_TRUE(s.contains(5));
  EXPECT_EQ(s.size(), 4u);
  s.add(rect{500, 500, 5, 5});  // off the screen: nothing
  EXPECT_EQ(s.size(), 4u);
  s.clear();
  EXPECT_TRUE(s.empty());
  EXPECT_TRUE(members(s).empty());
  s.add_all();
  EXPECT_EQ(s.size(), 6u);
  EXPECT_EQ(members(s), (std::vector<std::size_t>{0, 1, 2, 3, 4, 5}));
  EXPECT_EQ(s.cell_rect(5), (rect{128, 64, 2, 6}));
}

TEST(cell_set, iterates_in_row_major_order_whatever_the_order_of_adding) {
  cell_set s;
  s.reset(1920, 1080);
  EXPECT_EQ(s.width(), 1920);
  EXPECT_EQ(s.height(), 1080);
  const std::vector<std::size_t> added = {509, 0, 31, 30, 29, 250, 1};
  for (std::size_t i : added) s.add(i);
  EXPECT_EQ(members(s), (std::vector<std::size_t>{0, 1, 29, 30, 31, 250, 509}));
  EXPECT_EQ(s.next(2), 29u);
  EXPECT_EQ(s.next(251), 509u);
  EXPECT_EQ(s.next(510), s.capacity());
  EXPECT_EQ(s.next(100000), s.capacity());
  // A new grid empties the set.
  s.reset(cell_grid{64, 64});
  EXPECT_EQ(s.capacity(), 1u);
  EXPECT_TRUE(s.empty());
  s.reset(0, 0);
  EXPECT_EQ(s.capacity(), 0u);
  EXPECT_EQ(s.first(), 0u);
}

}  // namespace
}  // namespace visit
