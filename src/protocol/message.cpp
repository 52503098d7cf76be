// Header, message reader and writers, error category (docs/protocol.md §2, §3, §6).
#include "protocol/message.hpp"

#include <cassert>
#include <cstring>
#include <ctime>

#include "protocol/control.hpp"
#include "protocol/json_check.hpp"

namespace visit::protocol {

namespace {

class parse_error_category_impl final : public boost::system::error_category {
 public:
  const char* name() const noexcept override { return "visit.protocol"; }
  std::string message(int ev) const override {
    return std::string(to_string(static_cast<parse_error>(ev)));
  }
};

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

}  // namespace

std::string_view to_string(parse_error e) {
  switch (e) {
    case parse_error::truncated:
      return "truncated";
    case parse_error::unknown_type:
      return "unknown message type";
    case parse_error::bad_flags:
      return "flags or channel not 0";
    case parse_error::too_large:
      return "payload over its type's limit";
    case parse_error::bad_size:
      return "payload of the wrong size";
    case parse_error::bad_json:
      return "payload not a UTF-8 JSON object";
    case parse_error::bad_tile:
      return "bad tile";
    case parse_error::bad_value:
      return "field out of range";
  }
  return "unknown parse error";
}

const boost::system::error_category& parse_error_category() {
  static const parse_error_category_impl category;
  return category;
}

boost::system::error_code make_error_code(parse_error e) {
  return {static_cast<int>(e), parse_error_category()};
}

std::optional<parse_error> as_parse_error(const boost::system::error_code& ec) {
  if (!ec || ec.category() != parse_error_category()) return std::nullopt;
  return static_cast<parse_error>(ec.value());
}

close_code close_code_for(parse_error e) {
  return e == parse_error::too_large ? close_code::too_large : close_code::protocol_error;
}

// --- little-endian ------------------------------------------------------------------------------
std::uint16_t read_u16(const std::uint8_t* p) {
  return static_cast<std::uint16_t>(p[0] | (p[1] << 8));
}
std::uint32_t read_u32(const std::uint8_t* p) {
  return std::uint32_t{p[0]} | (std::uint32_t{p[1]} << 8) | (std::uint32_t{p[2]} << 16) |
         (std::uint32_t{p[3]} << 24);
}
std::uint64_t read_u64(const std::uint8_t* p) {
  return std::uint64_t{read_u32(p)} | (std::uint64_t{read_u32(p + 4)} << 32);
}
void put_u16(std::vector<std::uint8_t>& out, std::uint16_t v) {
  out.push_back(static_cast<std::uint8_t>(v));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
}
void put_u32(std::vector<std::uint8_t>& out, std::uint32_t v) {
  for (int i = 0; i < 4; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}
void put_u64(std::vector<std::uint8_t>& out, std::uint64_t v) {
  for (int i = 0; i < 8; ++i) out.push_back(static_cast<std::uint8_t>(v >> (8 * i)));
}

// --- reading ------------------------------------------------------------------------------------
boost::system::result<cursor_shape_view> parse_cursor_shape(std::span<const std::uint8_t> payload) {
  if (payload.size() < cursor_shape_header_size) return parse_error::bad_size;
  cursor_shape_view v;
  v.w = read_u16(payload.data());
  v.h = read_u16(payload.data() + 2);
  v.hot_x = read_u16(payload.data() + 4);
  v.hot_y = read_u16(payload.data() + 6);
  if (v.w < 1 || v.w > max_cursor_dimension || v.h < 1 || v.h > max_cursor_dimension ||
      v.hot_x >= v.w || v.hot_y >= v.h) {
    return parse_error::bad_value;
  }
  std::size_t pixels_bytes = std::size_t{v.w} * v.h * 4;
  if (payload.size() != cursor_shape_header_size + pixels_bytes) return parse_error::bad_size;
  v.rgba = payload.subspan(cursor_shape_header_size);
  return v;
}

boost::system::result<cursor_position> parse_cursor_position(
    std::span<const std::uint8_t> payload) {
  if (payload.size() != cursor_position_size) return parse_error::bad_size;
  if (payload[4] > 1 || payload[5] != 0) return parse_error::bad_value;
  return cursor_position{read_u16(payload.data()), read_u16(payload.data() + 2), payload[4] == 1};
}

boost::system::result<std::uint32_t> parse_frame_ack(std::span<const std::uint8_t> payload) {
  if (payload.size() != frame_ack_size) return parse_error::bad_size;
  return read_u32(payload.data());
}

boost::system::result<message_view> parse_message(std::span<const std::uint8_t> bytes) {
  if (bytes.size() < header_size) return parse_error::truncated;
  const std::uint8_t* p = bytes.data();
  if (!is_known_type(p[0])) return parse_error::unknown_type;
  message_view m;
  m.hdr.type = static_cast<message_type>(p[0]);
  m.hdr.flags = p[1];
  m.hdr.channel = read_u16(p + 2);
  if (m.hdr.flags != 0 || m.hdr.channel != 0) return parse_error::bad_flags;
  m.hdr.sequence = read_u32(p + 4);
  m.hdr.timestamp_us = read_u64(p + 8);
  m.payload = bytes.subspan(header_size);
  if (m.payload.size() > max_payload_size(m.hdr.type)) return parse_error::too_large;

  if (is_json_type(m.hdr.type)) {
    const auto text = as_text(m.payload);
    if (!is_valid_utf8(text) || !detail::is_json_object(text)) return parse_error::bad_json;
    return m;
  }
  boost::system::error_code ec;
  switch (m.hdr.type) {
    case message_type::frame_ack:
      if (auto r = parse_frame_ack(m.payload); !r) ec = r.error();
      break;
    case message_type::cursor_position:
      if (auto r = parse_cursor_position(m.payload); !r) ec = r.error();
      break;
    case message_type::cursor_shape:
      if (auto r = parse_cursor_shape(m.payload); !r) ec = r.error();
      break;
    case message_type::frame:
      // The smallest frame is one solid tile; the rest needs the screen size (parse_frame).
      if (m.payload.size() < frame_header_size + tile_header_size + 3) ec = parse_error::truncated;
      break;
    case message_type::input:
      ec = check_input(m.payload);
      break;
    case message_type::paste_text:
      if (auto r = parse_paste_text(m.payload); !r) ec = r.error();
      break;
    case message_type::clipboard:
      if (auto r = parse_clipboard(m.payload); !r) ec = r.error();
      break;
    default:  // the JSON types, handled above
      break;
  }
  if (ec) return ec;  // already a parse_error of this category
  return m;
}

// --- writing ------------------------------------------------------------------------------------
void write_header(std::vector<std::uint8_t>& out, const header& h) {
  out.push_back(static_cast<std::uint8_t>(h.type));
  out.push_back(h.flags);
  put_u16(out, h.channel);
  put_u32(out, h.sequence);
  put_u64(out, h.timestamp_us);
}

void write_tile_header(std::vector<std::uint8_t>& out, std::uint16_t x, std::uint16_t y,
                       std::uint16_t w, std::uint16_t h, tile_encoding encoding,
                       std::uint32_t length) {
  put_u16(out, x);
  put_u16(out, y);
  put_u16(out, w);
  put_u16(out, h);
  out.push_back(static_cast<std::uint8_t>(encoding));
  out.push_back(0);
  put_u32(out, length);
}

std::vector<std::uint8_t> make_message(message_type type, std::uint32_t sequence,
                                       std::uint64_t timestamp_us,
                                       std::span<const std::uint8_t> payload) {
  std::vector<std::uint8_t> out;
  out.reserve(header_size + payload.size());
  write_header(out, header{type, 0, 0, sequence, timestamp_us});
  out.insert(out.end(), payload.begin(), payload.end());
  return out;
}

std::vector<std::uint8_t> make_json_message(message_type type, std::uint32_t sequence,
                                            std::uint64_t timestamp_us, std::string_view json) {
  assert(is_json_type(type));
  return make_message(type, sequence, timestamp_us,
                      std::span(reinterpret_cast<const std::uint8_t*>(json.data()), json.size()));
}

std::vector<std::uint8_t> make_frame_ack(std::uint32_t sequence, std::uint64_t timestamp_us,
                                         std::uint32_t acked) {
  std::vector<std::uint8_t> out;
  out.reserve(header_size + frame_ack_size);
  write_header(out, header{message_type::frame_ack, 0, 0, sequence, timestamp_us});
  put_u32(out, acked);
  return out;
}

std::vector<std::uint8_t> make_frame(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::span<const std::span<const std::uint8_t>> tiles) {
  assert(!tiles.empty() && tiles.size() <= 0xFFFF);
  std::size_t total = header_size + frame_header_size;
  for (const auto& t : tiles) total += t.size();
  std::vector<std::uint8_t> out;
  out.reserve(total);
  write_header(out, header{message_type::frame, 0, 0, sequence, timestamp_us});
  put_u16(out, static_cast<std::uint16_t>(tiles.size()));
  put_u16(out, 0);
  for (const auto& t : tiles) out.insert(out.end(), t.begin(), t.end());
  return out;
}

std::vector<std::uint8_t> make_frame(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::uint16_t tile_count,
                                     std::span<const std::uint8_t> tile_records) {
  assert(tile_count >= 1);
  std::vector<std::uint8_t> out;
  out.reserve(header_size + frame_header_size + tile_records.size());
  write_header(out, header{message_type::frame, 0, 0, sequence, timestamp_us});
  put_u16(out, tile_count);
  put_u16(out, 0);
  out.insert(out.end(), tile_records.begin(), tile_records.end());
  return out;
}

std::vector<std::uint8_t> make_cursor_shape(std::uint32_t sequence, std::uint64_t timestamp_us,
                                            std::uint16_t w, std::uint16_t h, std::uint16_t hot_x,
                                            std::uint16_t hot_y,
                                            std::span<const std::uint8_t> rgba) {
  assert(rgba.size() == std::size_t{w} * h * 4);
  std::vector<std::uint8_t> out;
  out.reserve(header_size + cursor_shape_header_size + rgba.size());
  write_header(out, header{message_type::cursor_shape, 0, 0, sequence, timestamp_us});
  put_u16(out, w);
  put_u16(out, h);
  put_u16(out, hot_x);
  put_u16(out, hot_y);
  out.insert(out.end(), rgba.begin(), rgba.end());
  return out;
}

std::vector<std::uint8_t> make_cursor_position(std::uint32_t sequence, std::uint64_t timestamp_us,
                                               const cursor_position& pos) {
  std::vector<std::uint8_t> out;
  out.reserve(header_size + cursor_position_size);
  write_header(out, header{message_type::cursor_position, 0, 0, sequence, timestamp_us});
  put_u16(out, pos.x);
  put_u16(out, pos.y);
  out.push_back(pos.visible ? 1 : 0);
  out.push_back(0);
  return out;
}

std::uint64_t now_us() {
  timespec ts{};
  clock_gettime(CLOCK_REALTIME, &ts);
  return static_cast<std::uint64_t>(ts.tv_sec) * 1'000'000u +
         static_cast<std::uint64_t>(ts.tv_nsec) / 1000u;
}

}  // namespace visit::protocol
