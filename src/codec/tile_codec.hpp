// Encoding and decoding of one cell of the screen as a `frame` tile (docs/protocol.md §4).
// Thread-safety: a tile_encoder/tile_decoder is used by one thread; distinct instances are
// independent.
#pragma once
#include <cstdint>
#include <memory>
#include <span>
#include <vector>

#include <boost/system/result.hpp>

#include "common/frame.hpp"
#include "common/geometry.hpp"
#include "protocol/message.hpp"

namespace visit::codec {

struct encoder_stats {
  std::uint64_t tiles = 0, solid = 0, raw = 0, palette = 0;
  std::uint64_t bytes_out = 0;
};

class tile_encoder {
 public:
  tile_encoder();
  ~tile_encoder();
  tile_encoder(const tile_encoder&) = delete;
  tile_encoder& operator=(const tile_encoder&) = delete;

  // Appends the whole tile record (14-byte tile header + data) for the cell whose top-left
  // corner is (cell_x, cell_y) of `frame` to `out`, choosing the cheapest lossless encoding.
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
boost::system::result<void> apply_frame(std::span<const protocol::tile_view> tiles,
                                        frame_buffer& screen);

}  // namespace visit::codec
