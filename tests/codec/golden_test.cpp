// Golden fixtures shared with the console's tests (tests/js/protocol.test.mjs): the C++ writer
// and encoder must reproduce tests/fixtures/protocol/*.bin byte for byte, and the committed
// frame must decode to the committed pixels. After a deliberate encoder change, regenerate:
//   VISIT_UPDATE_FIXTURES=1 build/.../codec_tests --gtest_filter='golden.*'
// (zlib's output is part of the bytes: fixtures were made with zlib 1.2.13.)
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

#include "codec/tile_codec.hpp"
#include "frame_maker.hpp"
#include "protocol/screen_info.hpp"

namespace visit::codec {
namespace {

using namespace visit::codec::testing;
namespace fs = std::filesystem;

constexpr int screen_w = 130, screen_h = 70;
constexpr std::uint64_t fixed_time = 1'700'000'000'123'456ull;

// A deterministic screen whose six cells cover every encoding and palette depth:
//   (0,0) 64x64  2 colours, 1-bit palette   (64,0) 64x64 noise, raw   (128,0) 2x64 128 colours
//   (0,64) 64x6  4 colours, 2-bit palette   (64,64) 64x6 10 colours   (128,64) 2x6 solid
frame_buffer golden_screen() {
  frame_buffer f(screen_w, screen_h);
  std::uint32_t lcg = 12345;
  auto next = [&] { return lcg = lcg * 1664525u + 1013904223u; };
  for (int y = 0; y < screen_h; ++y) {
    for (int x = 0; x < screen_w; ++x) {
      std::uint32_t c;
      if (x >= 128) {
        c = y < 64 ? 0x101010u * static_cast<std::uint32_t>((y * 2 + x) % 100) +
                         0x000301u * static_cast<std::uint32_t>(y % 7)
                   : 0x2468ACu;
      } else if (y < 64) {
        c = x < 64 ? (((x / 3) ^ (y / 5)) & 1 ? 0x1E1E2Eu : 0xF0F0E0u) : (next() >> 8);
      } else {
        c = x < 64 ? 0x400000u * static_cast<std::uint32_t>((x + y) % 4)
                   : 0x0A1B2Cu * static_cast<std::uint32_t>((x * 7 + y) % 10);
      }
      put_pixel(f, x, y, c & 0xFFFFFFu);
    }
  }
  return f;
}

std::map<std::string, std::vector<std::uint8_t>> make_fixtures() {
  std::map<std::string, std::vector<std::uint8_t>> files;
  files["hello.bin"] = protocol::make_json_message(
      protocol::message_type::hello, 1, fixed_time,
      R"({"protocol":1,"role":"customer","name":"Ada Lovelace","description":"printer broken \u2014 caf)"
      "\xC3\xA9"
      R"(","client":"visit-client/0.1.0"})");
  files["screen_info.bin"] = protocol::make_json_message(
      protocol::message_type::screen_info, 2, fixed_time, R"({"width":130,"height":70,"cell":64})");
  // protocol.md §3.7: two monitors side by side, in the server's canonical member order.
  files["screen_info_monitors.bin"] = protocol::make_json_message(
      protocol::message_type::screen_info, 2, fixed_time,
      R"({"width":2048,"height":768,"cell":64,"monitors":[)"
      R"({"x":0,"y":0,"width":1024,"height":768,"primary":true},)"
      R"({"x":1024,"y":0,"width":1024,"height":768,"primary":false}]})");
  // A screen limited to one window (§3.7): the title is customer text, shown as text only.
  files["screen_info_window.bin"] = protocol::make_json_message(
      protocol::message_type::screen_info, 2, fixed_time,
      protocol::screen_info_json({130, 70,
                                  protocol::screen_scope{protocol::scope_kind::window,
                                                         "Rechnung \u2014 caf\u00e9 <b>&</b>",
                                                         protocol::window_state::minimised}}));
  files["frame_ack.bin"] = protocol::make_frame_ack(5, fixed_time, 3);

  auto screen = golden_screen();
  tile_encoder enc;
  std::vector<std::uint8_t> records;
  std::uint16_t count = 0;
  for (int y = 0; y < screen_h; y += 64)
    for (int x = 0; x < screen_w; x += 64, ++count) enc.encode(screen.view(), x, y, records);
  files["frame_130x70.bin"] = protocol::make_frame(3, fixed_time, count, records);

  std::vector<std::uint8_t> rgba(screen.pixels.size());
  for (std::size_t i = 0; i < rgba.size(); i += 4) {
    rgba[i] = screen.pixels[i + 2];
    rgba[i + 1] = screen.pixels[i + 1];
    rgba[i + 2] = screen.pixels[i];
    rgba[i + 3] = 0xFF;
  }
  files["frame_130x70.rgba"] = std::move(rgba);
  return files;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(golden, fixtures_are_reproduced_byte_exact) {
  const fs::path dir = VISIT_PROTOCOL_FIXTURES;
  auto files = make_fixtures();
  const char* update = std::getenv("VISIT_UPDATE_FIXTURES");
  for (const auto& [name, bytes] : files) {
    if (update && std::string(update) == "1") {
      std::ofstream out(dir / name, std::ios::binary);
      out.write(reinterpret_cast<const char*>(bytes.data()),
                static_cast<std::streamsize>(bytes.size()));
      ASSERT_TRUE(out.good()) << name;
      continue;
    }
    ASSERT_TRUE(fs::exists(dir / name)) << name << " missing: run with VISIT_UPDATE_FIXTURES=1";
    EXPECT_EQ(read_file(dir / name), bytes)
        << name << " differs: the writer or encoder changed; regenerate deliberately";
  }
}

TEST(golden, frame_covers_every_encoding) {
  auto msg = read_file(fs::path(VISIT_PROTOCOL_FIXTURES) / "frame_130x70.bin");
  auto m = protocol::parse_message(msg);
  ASSERT_TRUE(m);
  auto tiles = protocol::parse_frame(m->payload, screen_w, screen_h);
  ASSERT_TRUE(tiles) << tiles.error().message();
  ASSERT_EQ(tiles->size(), 6u);
  std::map<int, int> palette_sizes;
  int solid = 0, raw = 0;
  for (const auto& t : *tiles) {
    if (t.encoding == protocol::tile_encoding::solid) ++solid;
    if (t.encoding == protocol::tile_encoding::raw) ++raw;
    if (t.encoding == protocol::tile_encoding::palette) palette_sizes[t.data[0] + 1]++;
  }
  EXPECT_EQ(solid, 1);
  EXPECT_EQ(raw, 1);
  EXPECT_EQ(palette_sizes, (std::map<int, int>{{2, 1}, {4, 1}, {10, 1}, {128, 1}}));
}

TEST(golden, committed_frame_decodes_to_committed_pixels) {
  const fs::path dir = VISIT_PROTOCOL_FIXTURES;
  auto msg = read_file(dir / "frame_130x70.bin");
  auto expected = read_file(dir / "frame_130x70.rgba");
  ASSERT_EQ(expected.size(), std::size_t{screen_w} * screen_h * 4);
  auto m = protocol::parse_message(msg);
  ASSERT_TRUE(m);
  auto tiles = protocol::parse_frame(m->payload, screen_w, screen_h);
  ASSERT_TRUE(tiles);
  frame_buffer out(screen_w, screen_h);
  ASSERT_TRUE(apply_frame(*tiles, out));
  for (std::size_t i = 0; i < expected.size(); i += 4) {
    ASSERT_EQ(out.pixels[i + 2], expected[i]) << i / 4;
    ASSERT_EQ(out.pixels[i + 1], expected[i + 1]) << i / 4;
    ASSERT_EQ(out.pixels[i], expected[i + 2]) << i / 4;
  }
}

}  // namespace
}  // namespace visit::codec
