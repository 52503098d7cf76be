// The visit wire protocol, version 1: message numbers, header, limits, reader and writer.
// docs/protocol.md is the single source; every constant here is named there.
// Thread-safety: all functions are pure; no shared state.
#pragma once
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include <boost/system/result.hpp>

namespace visit::protocol {

inline constexpr int version = 1;
inline constexpr std::size_t header_size = 16;
inline constexpr int cell_size = 64;
inline constexpr std::uint32_t credit_frames = 4;
inline constexpr std::size_t max_frame_payload = 8u << 20;
inline constexpr std::size_t max_message_size = max_frame_payload + header_size;
inline constexpr std::size_t max_tile_data = 16384;
inline constexpr int max_screen_dimension = 8192;
inline constexpr std::size_t max_name_bytes = 128;
inline constexpr std::size_t max_description_bytes = 2048;
inline constexpr int max_cursor_dimension = 128;

enum class message_type : std::uint8_t {
  hello = 0x01,
  close_reason = 0x02,
  screen_info = 0x03,
  viewers = 0x04,
  frame = 0x10,
  frame_ack = 0x11,
  cursor_shape = 0x12,
  cursor_position = 0x13,
};

enum class tile_encoding : std::uint8_t { solid = 0, raw = 1, palette = 2 };

// Close reasons shared with the console (web/js/protocol.js).
enum class close_code {
  protocol_error,
  version_mismatch,
  too_large,
  unauthorized,
  forbidden_origin,
  not_found,
  server_shutdown,
  customer_left,
  replaced,
};
std::string_view to_string(close_code c);

// Why a message was refused. Parsing never allocates before these checks pass.
enum class parse_error {
  truncated = 1,        // shorter than its header or a declared length
  unknown_type,         // type not in the table
  bad_flags,            // flags or channel not 0
  too_large,            // payload over its type's limit
  bad_size,             // payload of a fixed-size type has the wrong size
  bad_json,             // JSON payload not valid UTF-8 / not a JSON object
  bad_tile,             // tile off the cell grid, repeated, oversized, unknown encoding
  bad_value,            // a field out of its documented range
};
std::string_view to_string(parse_error e);
const boost::system::error_category& parse_error_category();
boost::system::error_code make_error_code(parse_error e);

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

// Checks header, type, flags and the type's size limit. Does not look inside the payload.
boost::system::result<message_view> parse_message(std::span<const std::uint8_t> bytes);

// --- frame payloads -------------------------------------------------------------------------
struct tile_view {
  std::uint16_t x = 0, y = 0, w = 0, h = 0;
  tile_encoding encoding{};
  std::span<const std::uint8_t> data;     // the tile's data (after the 14-byte tile header)
  std::span<const std::uint8_t> encoded;  // the whole tile record, header included
};

// Validates a frame payload against a screen of width x height (grid alignment, cell sizes,
// no cell twice, tile count, data lengths, known encodings) and returns its tiles.
// Does not inflate deflate segments (the codec does).
boost::system::result<std::vector<tile_view>> parse_frame(std::span<const std::uint8_t> payload,
                                                           int screen_width, int screen_height);

// --- writing ----------------------------------------------------------------------------------
// Appends a 16-byte header to `out`.
void write_header(std::vector<std::uint8_t>& out, const header& h);
// A whole message with a JSON (or other) payload.
std::vector<std::uint8_t> make_message(message_type type, std::uint32_t sequence,
                                       std::uint64_t timestamp_us,
                                       std::span<const std::uint8_t> payload);
std::vector<std::uint8_t> make_json_message(message_type type, std::uint32_t sequence,
                                            std::uint64_t timestamp_us, std::string_view json);
std::vector<std::uint8_t> make_frame_ack(std::uint32_t sequence, std::uint64_t timestamp_us,
                                         std::uint32_t acked);
// Frame message assembly from already-encoded tile records (tile_view::encoded or codec output).
std::vector<std::uint8_t> make_frame(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::span<const std::span<const std::uint8_t>> tiles);

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
