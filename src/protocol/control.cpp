// Access-control payloads: input batches, paste and clipboard text
// (docs/protocol.md §3.3, §9).
#include "protocol/control.hpp"

#include <cassert>

namespace visit::protocol {
namespace {

constexpr std::array<std::string_view, special_key_count + 1> special_names = {
    "", "ctrl_alt_del", "alt_tab", "alt_shift_tab", "alt_f4", "meta", "print_screen", "ctrl_esc",
};

std::string_view as_text(std::span<const std::uint8_t> bytes) {
  return {reinterpret_cast<const char*>(bytes.data()), bytes.size()};
}

// Reads the from prefix; `rest` is what follows it.
boost::system::result<std::string_view> read_from(std::span<const std::uint8_t> payload,
                                                  std::span<const std::uint8_t>& rest) {
  if (payload.empty()) return parse_error::truncated;
  const std::size_t n = payload[0];
  if (n > max_technician_id_bytes) return parse_error::bad_value;
  if (payload.size() < 1 + n) return parse_error::truncated;
  const std::string_view from = as_text(payload.subspan(1, n));
  if (n > 0 && !is_valid_technician_id(from)) return parse_error::bad_value;
  rest = payload.subspan(1 + n);
  return from;
}

bool event_ok(const std::uint8_t* e) {
  const std::uint8_t b1 = e[1];
  const std::uint16_t w2 = read_u16(e + 2), w4 = read_u16(e + 4), w6 = read_u16(e + 6);
  switch (static_cast<input_kind>(e[0])) {
    case input_kind::pointer_move:
      return b1 == 0 && w6 == 0;
    case input_kind::button:
      return b1 >= 1 && b1 <= max_button && w6 <= 1;
    case input_kind::wheel: {
      const auto dx = static_cast<std::int16_t>(w2), dy = static_cast<std::int16_t>(w4);
      return b1 == 0 && w6 == 0 && dx >= -max_wheel_notches && dx <= max_wheel_notches &&
             dy >= -max_wheel_notches && dy <= max_wheel_notches;
    }
    case input_kind::key:
      return b1 <= 1 && w2 >= 1 && w2 < key_count && w4 == 0 && w6 == 0;
    case input_kind::special:
      return b1 >= 1 && b1 <= special_key_count && w2 == 0 && w4 == 0 && w6 == 0;
  }
  return false;
}

input_event decode_event(const std::uint8_t* e) {
  input_event ev;
  ev.kind = static_cast<input_kind>(e[0]);
  switch (ev.kind) {
    case input_kind::pointer_move:
      ev.x = read_u16(e + 2);
      ev.y = read_u16(e + 4);
      break;
    case input_kind::button:
      ev.button = e[1];
      ev.x = read_u16(e + 2);
      ev.y = read_u16(e + 4);
      ev.pressed = read_u16(e + 6) == 1;
      break;
    case input_kind::wheel:
      ev.dx = static_cast<std::int16_t>(read_u16(e + 2));
      ev.dy = static_cast<std::int16_t>(read_u16(e + 4));
      break;
    case input_kind::key:
      ev.pressed = e[1] == 1;
      ev.key = read_u16(e + 2);
      break;
    case input_kind::special:
      ev.special = static_cast<special_key>(e[1]);
      break;
  }
  return ev;
}

void encode_event(std::vector<std::uint8_t>& out, const input_event& ev) {
  std::uint8_t b1 = 0;
  std::uint16_t w2 = 0, w4 = 0, w6 = 0;
  switch (ev.kind) {
    case input_kind::pointer_move:
      w2 = ev.x;
      w4 = ev.y;
      break;
    case input_kind::button:
      b1 = ev.button;
      w2 = ev.x;
      w4 = ev.y;
      w6 = ev.pressed ? 1 : 0;
      break;
    case input_kind::wheel:
      w2 = static_cast<std::uint16_t>(ev.dx);
      w4 = static_cast<std::uint16_t>(ev.dy);
      break;
    case input_kind::key:
      b1 = ev.pressed ? 1 : 0;
      w2 = ev.key;
      break;
    case input_kind::special:
      b1 = static_cast<std::uint8_t>(ev.special);
      break;
  }
  out.push_back(static_cast<std::uint8_t>(ev.kind));
  out.push_back(b1);
  put_u16(out, w2);
  put_u16(out, w4);
  put_u16(out, w6);
}

boost::system::result<text_payload> parse_text(std::span<const std::uint8_t> payload,
                                               std::size_t min, std::size_t max) {
  std::span<const std::uint8_t> rest;
  auto from = read_from(payload, rest);
  if (!from) return from.error();
  if (rest.size() > max) return parse_error::too_large;
  if (rest.size() < min) return parse_error::bad_size;
  const std::string_view text = as_text(rest);
  if (!is_valid_utf8(text)) return parse_error::bad_value;
  return text_payload{*from, text};
}

std::vector<std::uint8_t> text_message(message_type type, std::uint32_t sequence,
                                       std::uint64_t timestamp_us, std::string_view from,
                                       std::string_view text) {
  assert(from.empty() || is_valid_technician_id(from));
  std::vector<std::uint8_t> out;
  out.reserve(header_size + 1 + from.size() + text.size());
  write_header(out, header{type, 0, 0, sequence, timestamp_us});
  out.push_back(static_cast<std::uint8_t>(from.size()));
  out.insert(out.end(), from.begin(), from.end());
  out.insert(out.end(), text.begin(), text.end());
  return out;
}

}  // namespace

std::string_view to_string(special_key k) {
  const auto i = static_cast<std::size_t>(k);
  return i >= 1 && i < special_names.size() ? special_names[i] : std::string_view("unknown");
}

bool is_valid_technician_id(std::string_view id) {
  if (id.empty() || id.size() > max_technician_id_bytes) return false;
  for (const char c : id) {
    const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                    c == '.' || c == '_' || c == '@' || c == '-';
    if (!ok) return false;
  }
  return true;
}

boost::system::error_code check_input(std::span<const std::uint8_t> payload) {
  std::span<const std::uint8_t> rest;
  auto from = read_from(payload, rest);
  if (!from) return from.error();
  if (rest.size() < 2) return parse_error::truncated;
  const std::size_t count = read_u16(rest.data());
  if (count == 0 || count > max_input_events) return parse_error::bad_value;
  if (rest.size() != 2 + count * input_event_size) return parse_error::bad_size;
  for (std::size_t i = 0; i < count; ++i) {
    if (!event_ok(rest.data() + 2 + i * input_event_size)) return parse_error::bad_value;
  }
  return {};
}

boost::system::result<input_batch> parse_input(std::span<const std::uint8_t> payload) {
  if (auto ec = check_input(payload)) return ec;
  std::span<const std::uint8_t> rest;
  input_batch batch;
  batch.from = *read_from(payload, rest);
  const std::size_t count = read_u16(rest.data());
  batch.events.reserve(count);
  for (std::size_t i = 0; i < count; ++i) {
    batch.events.push_back(decode_event(rest.data() + 2 + i * input_event_size));
  }
  return batch;
}

boost::system::result<text_payload> parse_paste_text(std::span<const std::uint8_t> payload) {
  return parse_text(payload, 1, max_paste_bytes);
}

boost::system::result<text_payload> parse_clipboard(std::span<const std::uint8_t> payload) {
  return parse_text(payload, 0, max_clipboard_bytes);
}

std::vector<std::uint8_t> make_input(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::string_view from, std::span<const input_event> events) {
  assert(from.empty() || is_valid_technician_id(from));
  assert(!events.empty() && events.size() <= max_input_events);
  std::vector<std::uint8_t> out;
  out.reserve(header_size + 1 + from.size() + 2 + events.size() * input_event_size);
  write_header(out, header{message_type::input, 0, 0, sequence, timestamp_us});
  out.push_back(static_cast<std::uint8_t>(from.size()));
  out.insert(out.end(), from.begin(), from.end());
  put_u16(out, static_cast<std::uint16_t>(events.size()));
  for (const auto& e : events) encode_event(out, e);
  return out;
}

std::vector<std::uint8_t> make_paste_text(std::uint32_t sequence, std::uint64_t timestamp_us,
                                          std::string_view from, std::string_view text) {
  return text_message(message_type::paste_text, sequence, timestamp_us, from, text);
}

std::vector<std::uint8_t> make_clipboard(std::uint32_t sequence, std::uint64_t timestamp_us,
                                         std::string_view from, std::string_view text) {
  return text_message(message_type::clipboard, sequence, timestamp_us, from, text);
}

}  // namespace visit::protocol
