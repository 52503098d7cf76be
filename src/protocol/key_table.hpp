// The key table of docs/protocol.md §9.6: the protocol's key number indexes it, and each entry
// names the physical key three ways — KeyboardEvent.code (what the browser sends), the Linux
// evdev code and the XKB key name (what the customer's X server knows). The one C++ table of
// keys: the parser bounds key numbers by it, the injector maps numbers straight to keycodes
// with it, and web/js/protocol.js KEY_CODES is checked against it
// (tests/fixtures/protocol/key_codes.txt).
// Thread-safety: constant data; all functions are pure.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

namespace visit::protocol {

struct key_info {
  std::string_view code;      // KeyboardEvent.code, e.g. "KeyA"
  std::uint16_t evdev = 0;    // Linux input event code (KEY_A = 30); X keycode = evdev + 8
  std::string_view xkb_name;  // XKB key name under xkeyboard-config's evdev keycodes, "AC01"
};

// Key numbers run over 1..key_count-1; 0 is "Unidentified" and is never sent. The table only
// grows at its end (the number is the wire value).
inline constexpr std::uint16_t key_count = 112;

// The whole table, entry 0 included ({"Unidentified", 0, ""}).
std::span<const key_info, key_count> key_table();
// The entry of key number `key`, or null for 0 and numbers past the table.
const key_info* find_key(std::uint16_t key);
// The number of the key whose KeyboardEvent.code is `code`; nullopt for an unknown code and
// for "Unidentified". A binary search over an index sorted at compile time.
std::optional<std::uint16_t> key_code_index(std::string_view code);
// The codes alone, by number (entry 0 "Unidentified"): a view derived from key_table().
std::span<const std::string_view> key_code_names();

}  // namespace visit::protocol
