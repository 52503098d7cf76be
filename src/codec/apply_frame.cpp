// apply_frame: paints a frame's tiles into a BGRX screen, inflating all deflate segments as
// one stream exactly as the console does (docs/protocol.md §4).
#include <zlib.h>

#include <cstring>

#include "codec/tile_codec.hpp"

namespace visit::codec {

namespace {

using protocol::parse_error;
using protocol::tile_encoding;

int bits_for(std::size_t colours) {
  return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

// The deflate segment of a tile and the size it must inflate to.
struct segment_plan {
  std::span<const std::uint8_t> segment;
  std::size_t inflated = 0;
};

segment_plan plan(const protocol::tile_view& t) {
  const std::size_t w = t.w, h = t.h;
  switch (t.encoding) {
    case tile_encoding::solid:
      return {};
    case tile_encoding::raw:
      return {t.data, w * h * 3};
    case tile_encoding::palette: {
      if (t.data.empty()) return {};
      const std::size_t n = std::size_t{t.data[0]} + 1;
      if (t.data.size() < 1 + 3 * n) return {};
      return {t.data.subspan(1 + 3 * n), h * ((w * bits_for(n) + 7) / 8)};
    }
  }
  return {};
}

struct inflater {
  z_stream zs{};
  bool ok = false;
  inflater() { ok = inflateInit2(&zs, -15) == Z_OK; }
  ~inflater() {
    if (ok) inflateEnd(&zs);
  }
  inflater(const inflater&) = delete;
  inflater& operator=(const inflater&) = delete;
};

// Inflates `stream` into exactly out.size() bytes; false on a corrupt stream or any other size.
bool inflate_exactly(std::span<const std::uint8_t> stream, std::span<std::uint8_t> out) {
  inflater inf;
  if (!inf.ok) return false;
  inf.zs.next_in = const_cast<std::uint8_t*>(stream.data());
  inf.zs.avail_in = static_cast<uInt>(stream.size());
  inf.zs.next_out = out.data();
  inf.zs.avail_out = static_cast<uInt>(out.size());
  // Z_STREAM_END with the buffer exactly full: the final block needs no output space, while a
  // stream with more data stops with Z_BUF_ERROR.
  int rc = inflate(&inf.zs, Z_FINISH);
  return rc == Z_STREAM_END && inf.zs.avail_out == 0 && inf.zs.avail_in == 0;
}

void fill_solid(frame_buffer& screen, const protocol::tile_view& t) {
  const std::uint8_t bgrx[4] = {t.data[2], t.data[1], t.data[0], 0xFF};
  for (int y = 0; y < t.h; ++y) {
    std::uint8_t* dst = screen.row(t.y + y) + std::size_t{t.x} * 4;
    for (int x = 0; x < t.w; ++x, dst += 4) std::memcpy(dst, bgrx, 4);
  }
}

void paint_raw(frame_buffer& screen, const protocol::tile_view& t, const std::uint8_t* rgb) {
  for (int y = 0; y < t.h; ++y) {
    std::uint8_t* dst = screen.row(t.y + y) + std::size_t{t.x} * 4;
    for (int x = 0; x < t.w; ++x, dst += 4, rgb += 3) {
      dst[0] = rgb[2];
      dst[1] = rgb[1];
      dst[2] = rgb[0];
      dst[3] = 0xFF;
    }
  }
}

bool paint_palette(frame_buffer& screen, const protocol::tile_view& t, const std::uint8_t* packed) {
  const std::size_t n = std::size_t{t.data[0]} + 1;
  const std::uint8_t* rgb = t.data.data() + 1;
  std::uint8_t bgrx[256][4];
  for (std::size_t i = 0; i < n; ++i) {
    bgrx[i][0] = rgb[3 * i + 2];
    bgrx[i][1] = rgb[3 * i + 1];
    bgrx[i][2] = rgb[3 * i];
    bgrx[i][3] = 0xFF;
  }
  const int bits = bits_for(n);
  const std::size_t row_bytes = (std::size_t{t.w} * bits + 7) / 8;
  const unsigned mask = (1u << bits) - 1;
  for (int y = 0; y < t.h; ++y, packed += row_bytes) {
    std::uint8_t* dst = screen.row(t.y + y) + std::size_t{t.x} * 4;
    for (int x = 0; x < t.w; ++x, dst += 4) {
      const std::size_t bit = std::size_t{static_cast<unsigned>(x)} * bits;
      const unsigned index = (packed[bit / 8] >> (8 - bits - bit % 8)) & mask;
      if (index >= n) return false;
      std::memcpy(dst, bgrx[index], 4);
    }
  }
  return true;
}

}  // namespace

boost::system::result<void> apply_frame(std::span<const protocol::tile_view> tiles,
                                        frame_buffer& screen) {
  // Check geometry and plan the one inflate before touching anything.
  std::size_t stream_size = 2, inflated_size = 0;
  for (const auto& t : tiles) {
    if (t.w < 1 || t.h < 1 || t.x + t.w > screen.width || t.y + t.h > screen.height ||
        t.w > protocol::cell_size || t.h > protocol::cell_size) {
      return parse_error::bad_tile;
    }
    if (t.encoding == tile_encoding::solid) {
      if (t.data.size() != 3) return parse_error::bad_tile;
      continue;
    }
    auto p = plan(t);
    if (p.inflated == 0) return parse_error::bad_tile;
    stream_size += p.segment.size();
    inflated_size += p.inflated;
  }

  std::vector<std::uint8_t> inflated(inflated_size);
  if (inflated_size > 0) {
    std::vector<std::uint8_t> stream;
    stream.reserve(stream_size);
    for (const auto& t : tiles) {
      auto p = plan(t);
      stream.insert(stream.end(), p.segment.begin(), p.segment.end());
    }
    stream.push_back(0x03);  // an empty final block (fixed Huffman, end-of-block code)
    stream.push_back(0x00);
    if (!inflate_exactly(stream, inflated)) return parse_error::bad_tile;
  }

  const std::uint8_t* next = inflated.data();
  for (const auto& t : tiles) {
    switch (t.encoding) {
      case tile_encoding::solid:
        fill_solid(screen, t);
        break;
      case tile_encoding::raw:
        paint_raw(screen, t, next);
        break;
      case tile_encoding::palette:
        if (!paint_palette(screen, t, next)) return parse_error::bad_tile;
        break;
    }
    next += plan(t).inflated;
  }
  return {};
}

}  // namespace visit::codec
