// Encoding and decoding of one cell of the screen as a `frame` tile (docs/protocol.md §4).
// Thread-safety: a tile_encoder/tile_decoder is used by one thread; distinct instances are
// independent.
#pragma once
#include <boost/system/result.hpp>
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include "common/frame.hpp"
#include "common/geometry.hpp"
#include "protocol/message.hpp"

namespace visit::codec {

// How the deflate segments are produced. Every choice yields the same wire format (raw
// DEFLATE, fresh per tile, sync-flushed); they trade CPU for bytes. The defaults are the
// measured best for desktop content (docs/performance.md, F2).
struct encoder_options {
  enum class deflater : std::uint8_t {
    builtin,  // codec/deflate_encoder.hpp: greedy matching, one Huffman block; fastest
    zlib,     // zlib with the settings below
  };
  enum class strategy : std::uint8_t {
    normal,        // LZ77 matches + Huffman (zlib Z_DEFAULT_STRATEGY)
    rle,           // matches at distance 1 only (Z_RLE)
    huffman_only,  // no matches (Z_HUFFMAN_ONLY)
  };
  deflater engine = deflater::builtin;
  // zlib only:
  int level = 1;  // 1..9
  strategy mode = strategy::normal;
  int mem_level = 8;     // 1..9: hash size, which deflateReset clears per tile
  int window_bits = 15;  // 9..15; a tile is at most 12 KiB, so 14 loses nothing
};

struct encoder_stats {
  std::uint64_t tiles = 0, solid = 0, raw = 0, palette = 0;
  std::uint64_t bytes_out = 0;
};

class tile_encoder {
 public:
  tile_encoder();
  explicit tile_encoder(const encoder_options& options);
  ~tile_encoder();
  tile_encoder(const tile_encoder&) = delete;
  tile_encoder& operator=(const tile_encoder&) = delete;

  // Appends the whole tile record (14-byte tile header + data) for the cell whose top-left
  // corner is (cell_x, cell_y) of `frame` to `out`, choosing the cheapest lossless encoding:
  // solid for one colour, palette for 2..256 colours, raw otherwise. Preconditions: cell_x
  // and cell_y are multiples of 64 inside the frame, and frame.width/height are within
  // 1..protocol::max_screen_dimension. The X byte of BGRX is ignored. Output is deterministic
  // for a given zlib version and options, and always within protocol::max_tile_data.
  void encode(const frame_view& frame, int cell_x, int cell_y, std::vector<std::uint8_t>& out);
  const encoder_stats& stats() const { return stats_; }

 private:
  struct impl;
  std::unique_ptr<impl> impl_;
  encoder_stats stats_;
};

// Decodes a validated frame (protocol::parse_frame) into an RGBA-less BGRX frame_buffer of
// the screen's size, as the console does: tiles' deflate segments inflated as one stream.
// Used by tests, benchmarks and tools; the server never decodes.
// Errors (protocol::parse_error): bad_tile for a tile outside `screen`, a stream that does not
// inflate to exactly the tiles' sizes, or a palette index >= n. On error `screen` may be
// partly painted. Writes X bytes as 0xFF.
boost::system::result<void> apply_frame(std::span<const protocol::tile_view> tiles,
                                        frame_buffer& screen);

}  // namespace visit::codec
