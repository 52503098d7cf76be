// Test helper: synthetic BGRX screens and a one-call encode of chosen cells.
#pragma once
#include <random>
#include <vector>

#include "codec/tile_codec.hpp"
#include "common/frame.hpp"

namespace visit::codec::testing {

inline void put_pixel(frame_buffer& f, int x, int y, std::uint32_t rgb) {
  std::uint8_t* p = f.row(y) + static_cast<std::size_t>(x) * 4;
  p[0] = static_cast<std::uint8_t>(rgb);
  p[1] = static_cast<std::uint8_t>(rgb >> 8);
  p[2] = static_cast<std::uint8_t>(rgb >> 16);
  p[3] = 0xFF;
}

inline void fill(frame_buffer& f, std::uint32_t rgb) {
  for (int y = 0; y < f.height; ++y)
    for (int x = 0; x < f.width; ++x) put_pixel(f, x, y, rgb);
}

inline void fill_random(frame_buffer& f, std::uint32_t seed) {
  std::mt19937 rng(seed);
  for (auto& b : f.pixels) b = static_cast<std::uint8_t>(rng());
}

// Something like a terminal: background, a few text colours, glyph-shaped strokes.
inline void fill_text_like(frame_buffer& f, std::uint32_t seed, int colours = 4) {
  std::mt19937 rng(seed);
  static constexpr std::uint32_t ink[] = {0x000000, 0xE0E0E0, 0x33AA33, 0xCC3333,
                                          0x3366FF, 0xFFCC00, 0x888888, 0x00CCCC};
  fill(f, 0xFFFFFF);
  for (int cy = 0; cy + 13 <= f.height; cy += 13) {
    for (int cx = 0; cx + 7 <= f.width; cx += 7) {
      if (rng() % 4 == 0) continue;
      std::uint32_t c = ink[rng() % std::min<std::size_t>(colours, std::size(ink))];
      std::uint32_t glyph = static_cast<std::uint32_t>(rng());
      for (int y = 2; y < 11; ++y)
        for (int x = 1; x < 6; ++x)
          if ((glyph >> ((y * 5 + x) % 32)) & 1) put_pixel(f, cx + x, cy + y, c);
    }
  }
}

// Encodes every cell of `f` (or only `cells`, given as {x, y} corners) into a frame payload.
inline std::vector<std::uint8_t> encode_payload(tile_encoder& enc, const frame_buffer& f) {
  std::vector<std::uint8_t> records;
  int count = 0;
  for (int y = 0; y < f.height; y += 64)
    for (int x = 0; x < f.width; x += 64, ++count) enc.encode(f.view(), x, y, records);
  std::vector<std::uint8_t> payload;
  protocol::put_u16(payload, static_cast<std::uint16_t>(count));
  protocol::put_u16(payload, 0);
  payload.insert(payload.end(), records.begin(), records.end());
  return payload;
}

// Colour channels only: apply_frame writes X = 0xFF, sources may not.
inline bool same_pixels(const frame_buffer& a, const frame_buffer& b) {
  if (a.width != b.width || a.height != b.height) return false;
  for (std::size_t i = 0; i < a.pixels.size(); i += 4)
    if (a.pixels[i] != b.pixels[i] || a.pixels[i + 1] != b.pixels[i + 1] ||
        a.pixels[i + 2] != b.pixels[i + 2])
      return false;
  return true;
}

}  // namespace visit::codec::testing
