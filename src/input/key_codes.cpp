#include "input/key_codes.hpp"

#include <algorithm>
#include <array>

namespace visit::input {

namespace {

constexpr std::array<std::string_view, 8> modifiers = {
    "AltLeft",  "AltRight",  "ControlLeft", "ControlRight",
    "MetaLeft", "MetaRight", "ShiftLeft",   "ShiftRight",
};

}  // namespace

std::span<const key_code_entry> key_codes() {
  return protocol::key_table().subspan(1);
}

const key_code_entry* find_key_code(std::string_view code) {
  const auto key = protocol::key_code_index(code);
  return key ? protocol::find_key(*key) : nullptr;
}

bool is_modifier_code(std::string_view code) {
  return std::find(modifiers.begin(), modifiers.end(), code) != modifiers.end();
}

std::span<const special_combination> special_combinations() {
  // Chords the browser cannot send because the technician's own system would act on them.
  static const std::vector<special_combination> combinations = {
      {"ctrl_alt_del", {"ControlLeft", "AltLeft", "Delete"}},
      {"ctrl_shift_esc", {"ControlLeft", "ShiftLeft", "Escape"}},
      {"alt_tab", {"AltLeft", "Tab"}},
      {"alt_shift_tab", {"AltLeft", "ShiftLeft", "Tab"}},
      {"alt_f4", {"AltLeft", "F4"}},
      {"alt_f2", {"AltLeft", "F2"}},
      {"ctrl_esc", {"ControlLeft", "Escape"}},
      {"win", {"MetaLeft"}},
      {"win_d", {"MetaLeft", "KeyD"}},
      {"win_e", {"MetaLeft", "KeyE"}},
      {"win_l", {"MetaLeft", "KeyL"}},
      {"win_r", {"MetaLeft", "KeyR"}},
      {"print_screen", {"PrintScreen"}},
      {"alt_print_screen", {"AltLeft", "PrintScreen"}},
  };
  return combinations;
}

const special_combination* find_special(std::string_view name) {
  for (const auto& c : special_combinations())
    if (c.name == name) return &c;
  return nullptr;
}

bool decode_utf8(std::string_view text, std::vector<char32_t>& out) {
  out.clear();
  std::size_t i = 0;
  while (i < text.size()) {
    const auto b0 = static_cast<unsigned char>(text[i]);
    int length = 0;
    char32_t cp = 0;
    if (b0 < 0x80) {
      length = 1;
      cp = b0;
    } else if ((b0 & 0xE0) == 0xC0) {
      length = 2;
      cp = b0 & 0x1Fu;
    } else if ((b0 & 0xF0) == 0xE0) {
      length = 3;
      cp = b0 & 0x0Fu;
    } else if ((b0 & 0xF8) == 0xF0) {
      length = 4;
      cp = b0 & 0x07u;
    } else {
      return false;
    }
    if (i + static_cast<std::size_t>(length) > text.size()) return false;
    for (int k = 1; k < length; ++k) {
      const auto b = static_cast<unsigned char>(text[i + static_cast<std::size_t>(k)]);
      if ((b & 0xC0) != 0x80) return false;
      cp = (cp << 6) | (b & 0x3Fu);
    }
    static constexpr char32_t min_for_length[] = {0, 0, 0x80, 0x800, 0x10000};
    if (cp < min_for_length[length] || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF))
      return false;
    out.push_back(cp);
    i += static_cast<std::size_t>(length);
  }
  return true;
}

}  // namespace visit::input
