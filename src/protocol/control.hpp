// The access-control messages of protocol version 1 (docs/protocol.md §3.3, §9): control
// requests, the access state, remote input, paste and clipboard (the key numbers are
// key_table.hpp, the message numbers message_types.hpp).
// Thread-safety: all functions are pure; no shared state.
#pragma once
#include <array>
#include <boost/system/result.hpp>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <vector>

#include "protocol/key_table.hpp"
#include "protocol/message.hpp"

namespace visit::protocol {

inline constexpr std::size_t max_technician_id_bytes = 64;
inline constexpr std::size_t max_technician_name_bytes = 128;
inline constexpr std::size_t max_input_events = 256;
inline constexpr std::size_t input_event_size = 8;
inline constexpr std::size_t max_paste_bytes = 4096;
inline constexpr std::size_t max_clipboard_bytes = 65536;
inline constexpr int max_wheel_notches = 100;
inline constexpr std::uint8_t max_button = 9;
// from_len + the longest id, before the type's own data.
inline constexpr std::size_t max_from_prefix = 1 + max_technician_id_bytes;
inline constexpr std::size_t control_json_limit = 1024;  // control_request, access_state

enum class input_kind : std::uint8_t {
  pointer_move = 0,
  button = 1,
  wheel = 2,
  key = 3,
  special = 4
};

// Key combinations a browser cannot capture itself (§9.2).
enum class special_key : std::uint8_t {
  ctrl_alt_del = 1,
  alt_tab = 2,
  alt_shift_tab = 3,
  alt_f4 = 4,
  meta = 5,
  print_screen = 6,
  ctrl_esc = 7,
};
inline constexpr std::uint8_t special_key_count = 7;  // values 1..7
std::string_view to_string(special_key k);

struct input_event {
  input_kind kind = input_kind::pointer_move;
  std::uint16_t x = 0, y = 0;   // pointer_move, button: screen pixels
  std::uint8_t button = 0;      // button: 1 left, 2 middle, 3 right, 8 back, 9 forward
  bool pressed = false;         // button, key
  std::int16_t dx = 0, dy = 0;  // wheel: notches, + right / + down
  std::uint16_t key = 0;        // key: a key number of key_table()
  special_key special = special_key::ctrl_alt_del;  // special

  bool operator==(const input_event&) const = default;
};

// A technician id: 1..64 bytes of [A-Za-z0-9._@-].
bool is_valid_technician_id(std::string_view id);

struct input_batch {
  std::string_view from;  // empty from a viewer; the technician id when the server forwards
  std::vector<input_event> events;
};
// Validates an input payload without allocating: parse_message uses it.
boost::system::error_code check_input(std::span<const std::uint8_t> payload);
// Validates the whole payload (from prefix, count 1..256, exact size, every event's fields)
// before allocating the events.
boost::system::result<input_batch> parse_input(std::span<const std::uint8_t> payload);

struct text_payload {
  std::string_view from;  // as for input
  std::string_view text;  // valid UTF-8
};
// paste_text: 1..4096 bytes of text. clipboard: 0..65536 bytes.
boost::system::result<text_payload> parse_paste_text(std::span<const std::uint8_t> payload);
boost::system::result<text_payload> parse_clipboard(std::span<const std::uint8_t> payload);

// Writers (preconditions, not checked in release builds: `from` empty or a valid id, events
// 1..256 with fields in range, text within its limit and valid UTF-8).
std::vector<std::uint8_t> make_input(std::uint32_t sequence, std::uint64_t timestamp_us,
                                     std::string_view from, std::span<const input_event> events);
std::vector<std::uint8_t> make_paste_text(std::uint32_t sequence, std::uint64_t timestamp_us,
                                          std::string_view from, std::string_view text);
std::vector<std::uint8_t> make_clipboard(std::uint32_t sequence, std::uint64_t timestamp_us,
                                         std::string_view from, std::string_view text);

}  // namespace visit::protocol
