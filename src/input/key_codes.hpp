// The physical keys we can inject, and the named combinations of special(). Portable: no
// platform headers.
#pragma once
#include <span>
#include <string_view>
#include <vector>

#include "protocol/key_table.hpp"

namespace visit::input {

// The keys are the protocol's key table (protocol/key_table.hpp): one table, indexed by the
// protocol's key number, carrying the code, the evdev code and the XKB name of every key.
using key_code_entry = protocol::key_info;

// Every key that can be injected: key_table() without its entry 0, in key-number order.
std::span<const key_code_entry> key_codes();
// The entry for `code` (an element of key_codes()), or null if unknown.
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
