// parse_frame: the grid, cell sizes, lengths and encodings of docs/protocol.md §4.
#include <gtest/gtest.h>

#include "protocol/message.hpp"
#include "tile_builder.hpp"

namespace visit::protocol {
namespace {

using namespace visit::protocol::testing;

std::vector<std::uint8_t> with_segment(std::vector<std::uint8_t> prefix) {
  prefix.insert(prefix.end(), empty_segment.begin(), empty_segment.end());
  return prefix;
}

TEST(frame_payload, all_cells_of_an_odd_screen) {
  // 130x70: cells of 64, 64, 2 across and 64, 6 down.
  std::vector<std::vector<std::uint8_t>> tiles;
  for (int y = 0; y < 70; y += 64) {
    for (int x = 0; x < 130; x += 64) {
      tiles.push_back(solid_tile(x, y, std::min(64, 130 - x), std::min(64, 70 - y)));
    }
  }
  tiles.push_back(tile_record(0, 0, 64, 64, tile_encoding::raw, empty_segment));
  auto last = tiles.back();
  tiles.pop_back();
  auto payload = frame_payload(tiles);
  auto r = parse_frame(payload, 130, 70);
  ASSERT_TRUE(r) << r.error().message();
  ASSERT_EQ(r->size(), 6u);
  EXPECT_EQ((*r)[2].x, 128);
  EXPECT_EQ((*r)[2].w, 2);
  EXPECT_EQ((*r)[5].h, 6);
  EXPECT_EQ((*r)[5].data.size(), 3u);
  EXPECT_EQ((*r)[5].encoded.size(), tile_header_size + 3);
  EXPECT_EQ((*r)[5].encoded.data(), payload.data() + payload.size() - 17);
  // A seventh tile exceeds the cell count.
  tiles.push_back(last);
  EXPECT_EQ(parse_frame(frame_payload(tiles), 130, 70).error(), parse_error::bad_value);
}

TEST(frame_payload, encodings) {
  auto raw = tile_record(0, 0, 64, 64, tile_encoding::raw, empty_segment);
  auto pal =
      tile_record(64, 0, 64, 64, tile_encoding::palette, with_segment({1, 0, 0, 0, 9, 9, 9}));
  auto r = parse_frame(frame_payload({raw, pal}), 200, 64);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ((*r)[0].encoding, tile_encoding::raw);
  EXPECT_EQ((*r)[1].encoding, tile_encoding::palette);
  EXPECT_EQ((*r)[1].data.size(), 7 + empty_segment.size());
}

TEST(frame_payload, bad_tile_data) {
  auto check = [](tile_encoding enc, std::vector<std::uint8_t> data) {
    return parse_frame(frame_payload({tile_record(0, 0, 64, 64, enc, std::move(data))}), 64, 64);
  };
  EXPECT_EQ(check(tile_encoding::solid, {1, 2}).error(), parse_error::bad_tile);
  EXPECT_EQ(check(tile_encoding::solid, {1, 2, 3, 4}).error(), parse_error::bad_tile);
  EXPECT_EQ(check(tile_encoding::raw, {}).error(), parse_error::bad_tile);
  EXPECT_EQ(check(tile_encoding::raw, {0x01, 0x00, 0x00, 0xFF, 0xFF, 0x03}).error(),
            parse_error::bad_tile);  // does not end with a sync flush
  EXPECT_EQ(check(tile_encoding::palette, {}).error(), parse_error::bad_tile);
  EXPECT_EQ(check(tile_encoding::palette, with_segment({1, 0, 0, 0})).error(),
            parse_error::bad_tile);  // two colours announced, one present
  EXPECT_EQ(check(tile_encoding::palette, {0, 5, 5, 5}).error(), parse_error::bad_tile);
  std::vector<std::uint8_t> full_palette(1 + 256 * 3, 7);
  full_palette[0] = 255;
  EXPECT_TRUE(check(tile_encoding::palette, with_segment(full_palette)));
  EXPECT_EQ(check(static_cast<tile_encoding>(3), {1, 2, 3}).error(), parse_error::bad_tile);
}

TEST(frame_payload, grid_and_cell_sizes) {
  auto check = [](int x, int y, int w, int h) {
    return parse_frame(frame_payload({solid_tile(x, y, w, h)}), 1000, 700);
  };
  EXPECT_TRUE(check(0, 0, 64, 64));
  EXPECT_TRUE(check(960, 640, 40, 60));
  EXPECT_EQ(check(1, 0, 64, 64).error(), parse_error::bad_tile);  // off the grid
  EXPECT_EQ(check(0, 32, 64, 64).error(), parse_error::bad_tile);
  EXPECT_EQ(check(1024, 0, 64, 64).error(), parse_error::bad_tile);  // beyond the screen
  EXPECT_EQ(check(0, 704, 64, 64).error(), parse_error::bad_tile);
  EXPECT_EQ(check(0, 0, 63, 64).error(), parse_error::bad_tile);      // wrong size
  EXPECT_EQ(check(960, 0, 64, 64).error(), parse_error::bad_tile);    // must be 40 wide
  EXPECT_EQ(check(960, 640, 40, 64).error(), parse_error::bad_tile);  // must be 60 high
  EXPECT_EQ(check(0, 0, 0, 0).error(), parse_error::bad_tile);
}

TEST(frame_payload, cell_named_twice_refused) {
  auto a = solid_tile(64, 64, 64, 64);
  auto b = solid_tile(0, 0, 64, 64);
  EXPECT_TRUE(parse_frame(frame_payload({a, b}), 640, 480));
  EXPECT_EQ(parse_frame(frame_payload({a, b, a}), 640, 480).error(), parse_error::bad_tile);
}

TEST(frame_payload, largest_screen_every_cell) {
  // 8192x8192 has 16384 cells, the most any frame can name.
  std::vector<std::uint8_t> payload;
  put_u16(payload, 16384);
  put_u16(payload, 0);
  for (int y = 0; y < 8192; y += 64) {
    for (int x = 0; x < 8192; x += 64) {
      auto t = solid_tile(x, y, 64, 64);
      payload.insert(payload.end(), t.begin(), t.end());
    }
  }
  auto r = parse_frame(payload, 8192, 8192);
  ASSERT_TRUE(r) << r.error().message();
  EXPECT_EQ(r->size(), 16384u);
}

TEST(frame_payload, screen_size_bounds) {
  auto payload = frame_payload({solid_tile(0, 0, 1, 1)});
  EXPECT_TRUE(parse_frame(payload, 1, 1));
  EXPECT_EQ(parse_frame(payload, 0, 1).error(), parse_error::bad_value);
  EXPECT_EQ(parse_frame(payload, 1, 8193).error(), parse_error::bad_value);
  EXPECT_EQ(parse_frame(payload, -5, 10).error(), parse_error::bad_value);
}

TEST(frame_payload, header_fields) {
  auto tile = solid_tile(0, 0, 64, 64);
  auto payload = frame_payload({tile});
  EXPECT_TRUE(parse_frame(payload, 64, 64));
  auto zero = payload;
  zero[0] = 0;
  EXPECT_EQ(parse_frame(zero, 64, 64).error(), parse_error::bad_value);
  auto reserved = payload;
  reserved[2] = 1;
  EXPECT_EQ(parse_frame(reserved, 64, 64).error(), parse_error::bad_value);
  auto tile_reserved = payload;
  tile_reserved[4 + 9] = 1;
  EXPECT_EQ(parse_frame(tile_reserved, 64, 64).error(), parse_error::bad_tile);
  auto trailing = payload;
  trailing.push_back(0);
  EXPECT_EQ(parse_frame(trailing, 64, 64).error(), parse_error::bad_size);
  // Many tiles announced, payload too small for them: refused before allocating.
  auto many = payload;
  many[0] = 0x00;
  many[1] = 0x40;  // 16384
  EXPECT_EQ(parse_frame(many, 8192, 8192).error(), parse_error::truncated);
}

TEST(frame_payload, truncated_everywhere) {
  auto payload =
      frame_payload({solid_tile(0, 0, 64, 64),
                     tile_record(64, 0, 64, 64, tile_encoding::raw, with_segment({1, 2, 3}))});
  ASSERT_TRUE(parse_frame(payload, 128, 64));
  for (std::size_t n = 0; n < payload.size(); ++n) {
    auto r = parse_frame(std::span(payload.data(), n), 128, 64);
    EXPECT_FALSE(r) << n;
  }
}

TEST(frame_payload, declared_lengths) {
  // Length 0, the maximum, the maximum + 1 and 2^32 - 1.
  auto tile_with_length = [](std::uint32_t length, std::size_t actual) {
    std::vector<std::uint8_t> data(actual, 0x55);
    if (actual >= 4) {
      std::fill(data.end() - 4, data.end(), 0x00);
      data[actual - 2] = data[actual - 1] = 0xFF;
    }
    auto t = tile_record(0, 0, 64, 64, tile_encoding::raw, data);
    t[10] = static_cast<std::uint8_t>(length);
    t[11] = static_cast<std::uint8_t>(length >> 8);
    t[12] = static_cast<std::uint8_t>(length >> 16);
    t[13] = static_cast<std::uint8_t>(length >> 24);
    return parse_frame(frame_payload({t}), 64, 64);
  };
  EXPECT_EQ(tile_with_length(0, 0).error(), parse_error::bad_tile);
  EXPECT_TRUE(tile_with_length(16384, 16384));
  EXPECT_EQ(tile_with_length(16385, 16385).error(), parse_error::bad_tile);
  EXPECT_EQ(tile_with_length(0xFFFFFFFFu, 16).error(), parse_error::bad_tile);
  EXPECT_EQ(tile_with_length(100, 16).error(), parse_error::truncated);
}

TEST(frame_payload, make_frame_round_trip) {
  auto a = solid_tile(0, 0, 64, 64);
  auto b = tile_record(64, 0, 36, 64, tile_encoding::raw, empty_segment);
  std::vector<std::span<const std::uint8_t>> spans = {a, b};
  auto msg = make_frame(9, 1234, spans);
  auto m = parse_message(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->hdr.type, message_type::frame);
  auto tiles = parse_frame(m->payload, 100, 64);
  ASSERT_TRUE(tiles) << tiles.error().message();
  ASSERT_EQ(tiles->size(), 2u);
  EXPECT_TRUE(
      std::equal(a.begin(), a.end(), (*tiles)[0].encoded.begin(), (*tiles)[0].encoded.end()));
  // Rebuilding from the parsed tiles' records gives the same message.
  std::vector<std::span<const std::uint8_t>> again = {(*tiles)[0].encoded, (*tiles)[1].encoded};
  EXPECT_EQ(make_frame(9, 1234, again), msg);
  std::vector<std::uint8_t> records(a);
  records.insert(records.end(), b.begin(), b.end());
  EXPECT_EQ(make_frame(9, 1234, 2, records), msg);
}

}  // namespace
}  // namespace visit::protocol
