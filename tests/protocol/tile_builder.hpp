// Test helper: hand-built tile records and frame payloads (no codec involved).
#pragma once
#include <vector>

#include "protocol/message.hpp"

namespace visit::protocol::testing {

// The empty stored block: the smallest well-formed deflate segment.
inline const std::vector<std::uint8_t> empty_segment = {0x00, 0x00, 0x00, 0xFF, 0xFF};

inline std::vector<std::uint8_t> tile_record(int x, int y, int w, int h, tile_encoding enc,
                                             std::vector<std::uint8_t> data) {
  std::vector<std::uint8_t> out;
  write_tile_header(out, static_cast<std::uint16_t>(x), static_cast<std::uint16_t>(y),
                    static_cast<std::uint16_t>(w), static_cast<std::uint16_t>(h), enc,
                    static_cast<std::uint32_t>(data.size()));
  out.insert(out.end(), data.begin(), data.end());
  return out;
}

inline std::vector<std::uint8_t> solid_tile(int x, int y, int w, int h) {
  return tile_record(x, y, w, h, tile_encoding::solid, {1, 2, 3});
}

inline std::vector<std::uint8_t> frame_payload(
    const std::vector<std::vector<std::uint8_t>>& tiles) {
  std::vector<std::uint8_t> out;
  put_u16(out, static_cast<std::uint16_t>(tiles.size()));
  put_u16(out, 0);
  for (const auto& t : tiles) out.insert(out.end(), t.begin(), t.end());
  return out;
}

}  // namespace visit::protocol::testing
