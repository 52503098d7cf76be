// tile_encoder: one cell of BGRX pixels -> one tile record (docs/protocol.md §4).
#include <zlib.h>

#include <algorithm>
#include <array>
#include <bit>
#include <cassert>
#include <cstring>
#include <stdexcept>

#include "codec/deflate_encoder.hpp"
#include "codec/tile_codec.hpp"

namespace visit::codec {

namespace {

constexpr int cell = protocol::cell_size;
constexpr std::size_t cell_pixels = std::size_t{cell} * cell;
constexpr std::size_t max_palette = 256;

static_assert(std::endian::native == std::endian::little, "pixel loads assume little-endian");

// Loads a BGRX pixel as 0x00RRGGBB, dropping X.
inline std::uint32_t load_pixel(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v & 0x00FFFFFFu;
}

constexpr int prefetch_rows = 6;

inline void prefetch_row(const std::uint8_t* origin, int stride, int y, int w) {
  const std::uint8_t* row = origin + static_cast<std::ptrdiff_t>(y) * stride;
  for (int x = 0; x < w * 4; x += 64) __builtin_prefetch(row + x);
  __builtin_prefetch(row + w * 4 - 1);
}

// Colour -> index for up to 256 colours: open addressing in 1024 slots (load <= 1/4, so
// probes are short). Only the slots used by one tile are cleared after it.
class palette_builder {
 public:
  palette_builder() { slots_.fill(empty); }

  // Fills colours() and indices for the w x h block at `origin`; false (and the palette is
  // meaningless) as soon as a 257th colour appears.
  bool build(const std::uint8_t* origin, int stride, int w, int h, std::uint8_t* indices) {
    clear();
    std::uint32_t prev = load_pixel(origin) ^ 1u;  // differs from the first pixel
    std::uint8_t prev_index = 0;
    // Rows are a stride apart, in different pages, so the hardware prefetcher does not follow
    // them: ask for a few rows ahead (the frame is usually not in cache yet).
    for (int y = 0; y < std::min(h, prefetch_rows); ++y) prefetch_row(origin, stride, y, w);
    for (int y = 0; y < h; ++y) {
      const std::uint8_t* row = origin + static_cast<std::ptrdiff_t>(y) * stride;
      if (y + prefetch_rows < h) prefetch_row(origin, stride, y + prefetch_rows, w);
      int x = 0;
      // Runs are the common case on screens: four pixels equal to the previous one cost one
      // comparison and no lookup.
      for (; x + 4 <= w; x += 4) {
        std::uint64_t two[2];
        std::memcpy(two, row + 4 * x, 16);
        const std::uint64_t prev2 = std::uint64_t{prev} << 32 | prev;
        constexpr std::uint64_t rgb2 = 0x00FFFFFF00FFFFFFull;
        if ((two[0] & rgb2) == prev2 && (two[1] & rgb2) == prev2) {
          std::memset(indices, prev_index, 4);
          indices += 4;
          continue;
        }
        for (int k = 0; k < 4; ++k) {
          if (!add_pixel(load_pixel(row + 4 * (x + k)), prev, prev_index)) return false;
          *indices++ = prev_index;
        }
      }
      for (; x < w; ++x) {
        if (!add_pixel(load_pixel(row + 4 * x), prev, prev_index)) return false;
        *indices++ = prev_index;
      }
    }
    return true;
  }

  std::size_t size() const { return count_; }

  // Updates (prev, prev_index) to colour c; false on the 257th colour.
  bool add_pixel(std::uint32_t c, std::uint32_t& prev, std::uint8_t& prev_index) {
    if (c == prev) return true;
    int index = lookup_or_insert(c);
    if (index < 0) return false;
    prev = c;
    prev_index = static_cast<std::uint8_t>(index);
    return true;
  }
  const std::uint32_t* colours() const { return colours_.data(); }

 private:
  static constexpr std::uint32_t empty = 0xFFFFFFFFu;  // not a 24-bit colour
  static constexpr int slot_bits = 10;

  int lookup_or_insert(std::uint32_t c) {
    std::uint32_t slot = (c * 0x9E3779B1u) >> (32 - slot_bits);
    for (;;) {
      if (slots_[slot] == c) return slot_index_[slot];
      if (slots_[slot] == empty) break;
      slot = (slot + 1) & ((1u << slot_bits) - 1);
    }
    if (count_ == max_palette) return -1;
    slots_[slot] = c;
    slot_index_[slot] = static_cast<std::uint8_t>(count_);
    used_[count_] = static_cast<std::uint16_t>(slot);
    colours_[count_] = c;
    return static_cast<int>(count_++);
  }

  void clear() {
    for (std::size_t i = 0; i < count_; ++i) slots_[used_[i]] = empty;
    count_ = 0;
  }

  std::array<std::uint32_t, 1u << slot_bits> slots_;
  std::array<std::uint8_t, 1u << slot_bits> slot_index_{};
  std::array<std::uint16_t, max_palette> used_{};
  std::array<std::uint32_t, max_palette> colours_{};
  std::size_t count_ = 0;
};

int bits_for(std::size_t colours) {
  return colours <= 2 ? 1 : colours <= 4 ? 2 : colours <= 16 ? 4 : 8;
}

int zlib_strategy(encoder_options::strategy s) {
  switch (s) {
    case encoder_options::strategy::rle:
      return Z_RLE;
    case encoder_options::strategy::huffman_only:
      return Z_HUFFMAN_ONLY;
    case encoder_options::strategy::normal:
      break;
  }
  return Z_DEFAULT_STRATEGY;
}

}  // namespace

struct tile_encoder::impl {
  encoder_options options;
  deflate_encoder builtin;
  z_stream zs{};
  palette_builder palette;
  std::array<std::uint8_t, cell_pixels> indices{};
  // Raw RGB or packed indices, the deflate input.
  std::array<std::uint8_t, cell_pixels * 3> plain{};
  // Deflate output: stored blocks bound the worst case at input + 5 bytes per 16 KiB block
  // + the sync flush, far below this.
  std::array<std::uint8_t, protocol::max_tile_data> compressed{};
  static_assert(deflate_encoder::bound(cell_pixels * 3) <= protocol::max_tile_data);

  explicit impl(const encoder_options& o) : options(o) {
    if (options.engine != encoder_options::deflater::zlib) return;
    int rc =
        deflateInit2(&zs, o.level, Z_DEFLATED, -o.window_bits, o.mem_level, zlib_strategy(o.mode));
    // Only invalid options or out of memory get here, both at start-up: fail loudly.
    if (rc != Z_OK) throw std::runtime_error("tile_encoder: deflateInit2 failed");
  }
  ~impl() {
    if (options.engine == encoder_options::deflater::zlib) deflateEnd(&zs);
  }
  impl(const impl&) = delete;
  impl& operator=(const impl&) = delete;

  // A fresh raw-deflate segment of `input` (<= 12 KiB), ended by a sync flush.
  std::span<const std::uint8_t> deflate_segment(std::span<const std::uint8_t> input) {
    if (options.engine == encoder_options::deflater::builtin) {
      return {compressed.data(), builtin.compress(input, compressed)};
    }
    deflateReset(&zs);
    zs.next_in = const_cast<std::uint8_t*>(input.data());  // zlib does not write through it
    zs.avail_in = static_cast<uInt>(input.size());
    zs.next_out = compressed.data();
    zs.avail_out = static_cast<uInt>(compressed.size());
    int rc = deflate(&zs, Z_SYNC_FLUSH);
    // The buffer exceeds deflate's bound for <= 12 KiB of input, so one call always finishes.
    assert(rc == Z_OK && zs.avail_in == 0 && zs.avail_out > 0);
    (void)rc;
    return {compressed.data(), compressed.size() - zs.avail_out};
  }
};

tile_encoder::tile_encoder() : tile_encoder(encoder_options{}) {}
tile_encoder::tile_encoder(const encoder_options& options)
    : impl_(std::make_unique<impl>(options)) {}
tile_encoder::~tile_encoder() = default;

void tile_encoder::encode(const frame_view& frame, int cell_x, int cell_y,
                          std::vector<std::uint8_t>& out) {
  assert(cell_x % cell == 0 && cell_y % cell == 0 && cell_x < frame.width && cell_y < frame.height);
  const int w = std::min(cell, frame.width - cell_x);
  const int h = std::min(cell, frame.height - cell_y);
  const std::uint8_t* origin = frame.row(cell_y) + static_cast<std::ptrdiff_t>(cell_x) * 4;
  auto header = [&](protocol::tile_encoding e, std::size_t length) {
    protocol::write_tile_header(out, static_cast<std::uint16_t>(cell_x),
                                static_cast<std::uint16_t>(cell_y), static_cast<std::uint16_t>(w),
                                static_cast<std::uint16_t>(h), e,
                                static_cast<std::uint32_t>(length));
  };
  const std::size_t start = out.size();
  impl& m = *impl_;
  ++stats_.tiles;

  if (m.palette.build(origin, frame.stride, w, h, m.indices.data())) {
    const std::size_t n = m.palette.size();
    const std::uint32_t* colours = m.palette.colours();
    if (n == 1) {
      header(protocol::tile_encoding::solid, 3);
      out.push_back(static_cast<std::uint8_t>(colours[0] >> 16));
      out.push_back(static_cast<std::uint8_t>(colours[0] >> 8));
      out.push_back(static_cast<std::uint8_t>(colours[0]));
      ++stats_.solid;
    } else {
      // Pack each row MSB first, padded to whole bytes.
      const int bits = bits_for(n);
      const std::size_t row_bytes = (static_cast<std::size_t>(w) * bits + 7) / 8;
      std::uint8_t* dst = m.plain.data();
      const std::uint8_t* idx = m.indices.data();
      const std::span<const std::uint8_t> packed(bits == 8 ? idx : dst,
                                                 row_bytes * static_cast<std::size_t>(h));
      if (bits < 8) {
        const int per_byte = 8 / bits;
        for (int y = 0; y < h; ++y, idx += w, dst += row_bytes) {
          for (std::size_t b = 0; b < row_bytes; ++b) {
            unsigned acc = 0;
            const int first = static_cast<int>(b) * per_byte;
            for (int k = 0; k < per_byte; ++k) {
              const int x = first + k;
              acc = (acc << bits) | (x < w ? idx[x] : 0u);
            }
            dst[b] = static_cast<std::uint8_t>(acc);
          }
        }
      }
      auto segment = m.deflate_segment(packed);
      const std::size_t length = 1 + 3 * n + segment.size();
      header(protocol::tile_encoding::palette, length);
      out.push_back(static_cast<std::uint8_t>(n - 1));
      for (std::size_t i = 0; i < n; ++i) {
        out.push_back(static_cast<std::uint8_t>(colours[i] >> 16));
        out.push_back(static_cast<std::uint8_t>(colours[i] >> 8));
        out.push_back(static_cast<std::uint8_t>(colours[i]));
      }
      out.insert(out.end(), segment.begin(), segment.end());
      ++stats_.palette;
    }
  } else {
    std::uint8_t* dst = m.plain.data();
    for (int y = 0; y < h; ++y) {
      const std::uint8_t* src = origin + static_cast<std::ptrdiff_t>(y) * frame.stride;
      for (int x = 0; x < w; ++x, src += 4, dst += 3) {
        dst[0] = src[2];
        dst[1] = src[1];
        dst[2] = src[0];
      }
    }
    auto segment = m.deflate_segment({m.plain.data(), static_cast<std::size_t>(w) * h * 3});
    header(protocol::tile_encoding::raw, segment.size());
    out.insert(out.end(), segment.begin(), segment.end());
    ++stats_.raw;
  }
  stats_.bytes_out += out.size() - start;
}

}  // namespace visit::codec
