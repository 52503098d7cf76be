// The visit wire protocol, version 1: header, limits, reader and writer (the message numbers
// and close reasons are in message_types.hpp). docs/protocol.md is the single source; every
// constant here is named there.
// Thread-safety: all functions are pure; no shared state.
#pragma once
#include <boost/system/result.hpp>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/cell_grid.hpp"
#include "protocol/message_types.hpp"

namespace visit::protocol {

inline constexpr int version = 1;
inline constexpr std::size_t header_size = 16;
using visit::cell_size;  // the cell grid is common/cell_grid.hpp (§4)
inline constexpr std::uint32_t credit_frames = 4;
inline constexpr std::size_t max_frame_payload = 8u << 20;
inline constexpr std::size_t max_message_size = max_frame_payload + header_size;
inline constexpr std::size_t max_tile_data = 16384;
inline constexpr int max_screen_dimension = 8192;
// screen_info's optional "monitors" list (protocol.md §3.7): at most this many.
inline constexpr std::size_t max_monitors = 8;
inline constexpr std::size_t max_name_bytes = 128;
inline constexpr std::size_t max_description_bytes = 2048;
inline constexpr int max_cursor_dimension = 128;
inline constexpr std::size_t frame_header_size = 4;  // tile_count, reserved
inline constexpr std::size_t tile_header_size = 14;  // x, y, w, h, encoding, reserved, length
inline constexpr std::size_t cursor_shape_header_size = 8;
inline constexpr std::size_t cursor_position_size = 6;
inline constexpr std::size_t frame_ack_size = 4;

inline constexpr std::size_t max_support_request_bytes = 4u << 20;
inline constexpr std::size_t max_request_filed_bytes = 1u << 10;
inline constexpr std::size_t max_console_event_bytes = 1u << 20;
inline constexpr std::size_t max_hello_bytes = 64u << 10;

enum class tile_encoding : std::uint8_t { solid = 0, raw = 1, palette = 2 };

// Why a message was refused. Parsing never allocates before these checks pass.
enum class parse_error {
  truncated = 1,  // shorter than its header or a declared length
  unknown_type,   // type not in the table
  bad_flags,      // flags or channel not 0
  too_large,      // payload over its type's limit
  bad_size,       // payload of a fixed-size type has the wrong size
  bad_json,       // JSON payload not valid UTF-8 / not a JSON object
  bad_tile,       // tile off the cell grid, repeated, oversized, unknown encoding
  bad_value,      // a field out of its documented range
};
std::string_view to_string(parse_error e);
const boost::system::error_category& parse_error_category();
boost::system::error_code make_error_code(parse_error e);
// The parse_error `ec` carries, or nullopt when `ec` is success or belongs to another category
// (a code of another category whose value happens to equal a parse_error's is not one).
std::optional<parse_error> as_parse_error(const boost::system::error_code& ec);
// The close code to send when a peer's message fails with `e`: too_large for too_large,
// protocol_error otherwise.
close_code close_code_for(parse_error e);

struct header {
  message_type type{};
  std::uint8_t flags = 0;
  std::uint16_t channel = 0;
  std::uint32_t sequence = 0;
  std::uint64_t timestamp_us = 0;
};

// A parsed message; `payload` points into the caller's buffer (non-owning).
struct message_view {
  header hdr;
  std::span<const std::uint8_t> payload;
};

// Checks, in this order and before allocating anything: size >= 16 (truncated), known type
// (unknown_type), flags and channel 0 (bad_flags), the type's payload limit (too_large), exact
// sizes of frame_ack / cursor_position / cursor_shape (bad_size), JSON types valid UTF-8 and
// one JSON object (bad_json), cursor fields in range (bad_value). A frame payload is checked
// further only by parse_frame, which needs the screen size; JSON fields are checked by the
// receiver of each type (their bounds are in protocol.md §7).
boost::system::result<message_view> parse_message(std::span<const std::uint8_t> bytes);

// --- cursor payloads (validated by parse_message; these just read them) -----------------------
struct cursor_shape_view {
  std::uint16_t w = 0, h = 0, hot_x = 0, hot_y = 0;
  std::span<const std::uint8_t> rgba;  // w*h*4 bytes, points into the payload
};
boost::system::result<cursor_shape_view> parse_cursor_shape(std::span<const std::uint8_t> payload);

struct cursor_position {
  std::uint16_t x = 0, y = 0;
  bool visible = false;
};
boost::system::result<cursor_position> parse_cursor_position(std::span<const std::uint8_t> payload);
// A frame_ack payload: the acknowledged sequence.
boost::system::result<std::uint32_t> parse_frame_ack(std::span<const std::uint8_t> payload);

// --- frame payloads -------------------------------------------------------------------------
struct tile_view {
  std::uint16_t x = 0, y = 0, w = 0, h = 0;
  tile_encoding encoding{};
  std::span<const std::uint8_t> data;     // the tile's data (after the 14-byte tile header)
  std::span<const std::uint8_t> encoded;  // the whole tile record, header included
};

// Validates a frame payload against a screen of width x height (grid alignment, cell sizes,
// no cell twice, tile count, data lengths, known encodings) and returns its tiles, in payload
// order; the views point into `payload`. Also checks that solid data is exactly 3 bytes, that a
// palette header fits its data, and that every deflate segment ends with the sync-flush
// marker 00 00 FF FF. Does not inflate deflate segments (the codec does). Errors: bad_value
// (screen size outside 1..8192, tile_count 0 or over the cell count, reserved field not 0),
// truncated, bad_tile, bad_size (bytes after the last tile). Allocates only after the payload
// is shown to be large enough for tile_count tiles.
boost::system::result<std::vector<tile_view>> parse_frame(std::span<const std::uint8_t> payload,
                                                          int screen_width, int screen_height);

// --- writing ----------------------------------------------------------------------------------
// Writers do not check limits: callers build payloads within them (they are the same limits
// parse_message enforces, so a peer would refuse an oversized message).
// Appends a 16-byte header to `out`.
void write_header(std::vector<std::uint8_t>& out, const header& h);
// Appends a 14-byte tile header to `out` (the data of `length` bytes must follow).
void write_tile_header(std::vector<std::uint8_t>& out, std::uint16_t x, std::uint16_t y,
                       std::uint16_t w, std::uint16_t h, tile_encoding encoding,
                       std::uint32_t length);
// A whole message with a JSON (or other) payload.
std::vector<std::uint8_t> make_message(message_type type, std::uint32_t sequence,
                                       std::uint64_t timestamp_us,
                                       std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> make_json_message(message_type type, std::uint32_t sequence,
                                            std::uint64_t timestamp_us, std::string_view json);
std::vector<std::uint8_t> make_frame_ack(std::uint32_t sequence, std::uint64_t timestamp_us,
                                         std::uint32_t acked);
// Frame message assembly from already-encoded tile records (tile_view::encoded or codec output).
// Precondition: 1 <= tiles.size() <= 65535.
std::vector<std::uint8_t> make_frame(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::span<const std::span<const std::uint8_t>> tiles);
// The same from tile records already back to back in `tile_records` (e.g. the output of
// repeated tile_encoder::encode calls), `tile_count` of them.
std::vector<std::uint8_t> make_frame(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::uint16_t tile_count,
                                     std::span<const std::uint8_t> tile_records);
std::vector<std::uint8_t> make_cursor_shape(std::uint32_t sequence, std::uint64_t timestamp_us,
                                            std::uint16_t w, std::uint16_t h, std::uint16_t hot_x,
                                            std::uint16_t hot_y,
                                            std::span<const std::uint8_t> rgba);
std::vector<std::uint8_t> make_cursor_position(std::uint32_t sequence, std::uint64_t timestamp_us,
                                               const cursor_position& pos);

// Little-endian helpers.
std::uint16_t read_u16(const std::uint8_t* p);
std::uint32_t read_u32(const std::uint8_t* p);
std::uint64_t read_u64(const std::uint8_t* p);
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v);
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v);
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v);

// Valid UTF-8 (no overlongs, no surrogates)? Used at every edge where text enters.
bool is_valid_utf8(std::string_view s);

// Microseconds of CLOCK_REALTIME, for header timestamps.
std::uint64_t now_us();

}  // namespace visit::protocol

namespace boost::system {
template <>
struct is_error_code_enum<visit::protocol::parse_error> : std::true_type {};
}  // namespace boost::system
