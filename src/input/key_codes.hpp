// The physical keys we can inject, by the browser's KeyboardEvent.code, and the named
// combinations of special(). Portable: no platform headers.
#pragma once
#include <span>
#include <string_view>
#include <vector>

namespace visit::input {

struct key_code_entry {
  std::string_view code;      // KeyboardEvent.code, e.g. "KeyA"
  int evdev;                  // Linux input event code (KEY_A = 30); X keycode = evdev + 8
  std::string_view xkb_name;  // XKB key name under the evdev keycodes, e.g. "AC01"
};

// Every key of the standard 104/105-key keyboard plus the usual extra keys (F13-F24,
// international keys, common media keys). Sorted by code.
std::span<const key_code_entry> key_codes();
// The entry for `code`, or null if unknown.
const key_code_entry* find_key_code(std::string_view code);
bool is_modifier_code(std::string_view code);

struct special_combination {
  std::string_view name;                // "ctrl_alt_del"
  std::vector<std::string_view> chord;  // pressed in this order, released in reverse
};
std::span<const special_combination> special_combinations();
const special_combination* find_special(std::string_view name);

// Decodes UTF-8; false on malformed input (overlong, surrogates, beyond U+10FFFF, truncated).
bool decode_utf8(std::string_view text, std::vector<char32_t>& out);

}  // namespace visit::input
