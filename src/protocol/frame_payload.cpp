// The `frame` payload: a list of tiles of the 64x64 cell grid (docs/protocol.md §4).
#include <algorithm>
#include <array>

#include "common/cell_grid.hpp"
#include "protocol/message.hpp"

namespace visit::protocol {

namespace {

// The sync flush that ends every deflate segment emits an empty stored block, whose LEN and
// NLEN fields are the segment's last four bytes.
constexpr std::array<std::uint8_t, 4> sync_marker = {0x00, 0x00, 0xFF, 0xFF};
// The shortest deflate segment: the empty stored block alone (3 header bits padded + marker).
constexpr std::size_t min_segment = 1 + sync_marker.size();

constexpr std::size_t max_cells = cell_grid{max_screen_dimension, max_screen_dimension}.count();

// The cells a frame named so far: one bit per cell of the largest screen, 2 KiB on the stack,
// so a frame is checked without allocating for it (unlike cell_set).
class seen_cells {
 public:
  // Returns false if the cell was already named.
  bool insert(std::size_t index) {
    auto word = index / 64;
    std::uint64_t bit = std::uint64_t{1} << (index % 64);
    if (bits_[word] & bit) return false;
    bits_[word] |= bit;
    return true;
  }

 private:
  std::array<std::uint64_t, max_cells / 64> bits_{};
};

bool ends_with_sync_marker(std::span<const std::uint8_t> segment) {
  if (segment.size() < min_segment) return false;
  auto tail = segment.last(sync_marker.size());
  return std::equal(tail.begin(), tail.end(), sync_marker.begin());
}

bool tile_data_ok(tile_encoding encoding, std::span<const std::uint8_t> data) {
  switch (encoding) {
    case tile_encoding::solid:
      return data.size() == 3;
    case tile_encoding::raw:
      return ends_with_sync_marker(data);
    case tile_encoding::palette: {
      if (data.empty()) return false;
      std::size_t colours = std::size_t{data[0]} + 1;
      std::size_t header = 1 + colours * 3;
      return data.size() >= header + min_segment && ends_with_sync_marker(data.subspan(header));
    }
  }
  return false;
}

}  // namespace

boost::system::result<std::vector<tile_view>> parse_frame(std::span<const std::uint8_t> payload,
                                                          int screen_width, int screen_height) {
  if (screen_width < 1 || screen_width > max_screen_dimension || screen_height < 1 ||
      screen_height > max_screen_dimension) {
    return parse_error::bad_value;
  }
  if (payload.size() < frame_header_size) return parse_error::truncated;
  const cell_grid grid{screen_width, screen_height};
  const std::size_t tile_count = read_u16(payload.data());
  if (tile_count == 0 || tile_count > grid.count() || read_u16(payload.data() + 2) != 0) {
    return parse_error::bad_value;
  }
  std::span<const std::uint8_t> rest = payload.subspan(frame_header_size);
  // Allocation proportional to tile_count only once the payload could hold that many tiles.
  if (rest.size() / tile_header_size < tile_count) return parse_error::truncated;

  std::vector<tile_view> tiles;
  tiles.reserve(tile_count);
  seen_cells seen;
  for (std::size_t i = 0; i < tile_count; ++i) {
    if (rest.size() < tile_header_size) return parse_error::truncated;
    const std::uint8_t* p = rest.data();
    tile_view t;
    t.x = read_u16(p);
    t.y = read_u16(p + 2);
    t.w = read_u16(p + 4);
    t.h = read_u16(p + 6);
    const std::uint8_t encoding = p[8];
    const std::uint8_t reserved = p[9];
    const std::uint32_t length = read_u32(p + 10);
    if (t.x % cell_size != 0 || t.x >= screen_width || t.y % cell_size != 0 ||
        t.y >= screen_height ||
        rect{t.x, t.y, t.w, t.h} != grid.cell(t.x / cell_size, t.y / cell_size) || encoding > 2 ||
        reserved != 0 || length > max_tile_data) {
      return parse_error::bad_tile;
    }
    if (rest.size() - tile_header_size < length) return parse_error::truncated;
    t.encoding = static_cast<tile_encoding>(encoding);
    t.data = rest.subspan(tile_header_size, length);
    t.encoded = rest.first(tile_header_size + length);
    if (!tile_data_ok(t.encoding, t.data)) return parse_error::bad_tile;
    if (!seen.insert(grid.index_at(t.x, t.y))) return parse_error::bad_tile;
    tiles.push_back(t);
    rest = rest.subspan(tile_header_size + length);
  }
  if (!rest.empty()) return parse_error::bad_size;
  return tiles;
}

}  // namespace visit::protocol
