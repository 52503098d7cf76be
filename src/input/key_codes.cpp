#include "input/key_codes.hpp"

#include <algorithm>
#include <array>

namespace visit::input {

namespace {

// KeyboardEvent.code (UI Events KeyboardEvent code Values) -> Linux evdev code -> XKB name in
// xkeyboard-config's keycodes/evdev. Grouped by hand; sorted once for the lookup.
constexpr auto table = std::to_array<key_code_entry>({
    {"AltLeft", 56, "LALT"},
    {"AltRight", 100, "RALT"},
    {"ArrowDown", 108, "DOWN"},
    {"ArrowLeft", 105, "LEFT"},
    {"ArrowRight", 106, "RGHT"},
    {"ArrowUp", 103, "UP"},
    {"AudioVolumeDown", 114, "VOL-"},
    {"AudioVolumeMute", 113, "MUTE"},
    {"AudioVolumeUp", 115, "VOL+"},
    {"Backquote", 41, "TLDE"},
    {"Backslash", 43, "BKSL"},
    {"Backspace", 14, "BKSP"},
    {"BracketLeft", 26, "AD11"},
    {"BracketRight", 27, "AD12"},
    {"CapsLock", 58, "CAPS"},
    {"Comma", 51, "AB08"},
    {"ContextMenu", 127, "COMP"},
    {"ControlLeft", 29, "LCTL"},
    {"ControlRight", 97, "RCTL"},
    {"Delete", 111, "DELE"},
    {"Digit0", 11, "AE10"},
    {"Digit1", 2, "AE01"},
    {"Digit2", 3, "AE02"},
    {"Digit3", 4, "AE03"},
    {"Digit4", 5, "AE04"},
    {"Digit5", 6, "AE05"},
    {"Digit6", 7, "AE06"},
    {"Digit7", 8, "AE07"},
    {"Digit8", 9, "AE08"},
    {"Digit9", 10, "AE09"},
    {"End", 107, "END"},
    {"Enter", 28, "RTRN"},
    {"Equal", 13, "AE12"},
    {"Escape", 1, "ESC"},
    {"F1", 59, "FK01"},
    {"F10", 68, "FK10"},
    {"F11", 87, "FK11"},
    {"F12", 88, "FK12"},
    {"F13", 183, "FK13"},
    {"F14", 184, "FK14"},
    {"F15", 185, "FK15"},
    {"F16", 186, "FK16"},
    {"F17", 187, "FK17"},
    {"F18", 188, "FK18"},
    {"F19", 189, "FK19"},
    {"F2", 60, "FK02"},
    {"F20", 190, "FK20"},
    {"F21", 191, "FK21"},
    {"F22", 192, "FK22"},
    {"F23", 193, "FK23"},
    {"F24", 194, "FK24"},
    {"F3", 61, "FK03"},
    {"F4", 62, "FK04"},
    {"F5", 63, "FK05"},
    {"F6", 64, "FK06"},
    {"F7", 65, "FK07"},
    {"F8", 66, "FK08"},
    {"F9", 67, "FK09"},
    {"Home", 102, "HOME"},
    {"Insert", 110, "INS"},
    {"IntlBackslash", 86, "LSGT"},
    {"IntlRo", 89, "AB11"},
    {"IntlYen", 124, "AE13"},
    {"KeyA", 30, "AC01"},
    {"KeyB", 48, "AB05"},
    {"KeyC", 46, "AB03"},
    {"KeyD", 32, "AC03"},
    {"KeyE", 18, "AD03"},
    {"KeyF", 33, "AC04"},
    {"KeyG", 34, "AC05"},
    {"KeyH", 35, "AC06"},
    {"KeyI", 23, "AD08"},
    {"KeyJ", 36, "AC07"},
    {"KeyK", 37, "AC08"},
    {"KeyL", 38, "AC09"},
    {"KeyM", 50, "AB07"},
    {"KeyN", 49, "AB06"},
    {"KeyO", 24, "AD09"},
    {"KeyP", 25, "AD10"},
    {"KeyQ", 16, "AD01"},
    {"KeyR", 19, "AD04"},
    {"KeyS", 31, "AC02"},
    {"KeyT", 20, "AD05"},
    {"KeyU", 22, "AD07"},
    {"KeyV", 47, "AB04"},
    {"KeyW", 17, "AD02"},
    {"KeyX", 45, "AB02"},
    {"KeyY", 21, "AD06"},
    {"KeyZ", 44, "AB01"},
    {"Lang1", 122, "HNGL"},
    {"Lang2", 123, "HJCV"},
    {"MetaLeft", 125, "LWIN"},
    {"MetaRight", 126, "RWIN"},
    {"Minus", 12, "AE11"},
    {"NumLock", 69, "NMLK"},
    {"Numpad0", 82, "KP0"},
    {"Numpad1", 79, "KP1"},
    {"Numpad2", 80, "KP2"},
    {"Numpad3", 81, "KP3"},
    {"Numpad4", 75, "KP4"},
    {"Numpad5", 76, "KP5"},
    {"Numpad6", 77, "KP6"},
    {"Numpad7", 71, "KP7"},
    {"Numpad8", 72, "KP8"},
    {"Numpad9", 73, "KP9"},
    {"NumpadAdd", 78, "KPAD"},
    {"NumpadComma", 121, "I129"},
    {"NumpadDecimal", 83, "KPDL"},
    {"NumpadDivide", 98, "KPDV"},
    {"NumpadEnter", 96, "KPEN"},
    {"NumpadEqual", 117, "KPEQ"},
    {"NumpadMultiply", 55, "KPMU"},
    {"NumpadSubtract", 74, "KPSU"},
    {"PageDown", 109, "PGDN"},
    {"PageUp", 104, "PGUP"},
    {"Pause", 119, "PAUS"},
    {"Period", 52, "AB09"},
    {"Power", 116, "POWR"},
    {"PrintScreen", 99, "PRSC"},
    {"Quote", 40, "AC11"},
    {"ScrollLock", 70, "SCLK"},
    {"Semicolon", 39, "AC10"},
    {"ShiftLeft", 42, "LFSH"},
    {"ShiftRight", 54, "RTSH"},
    {"Slash", 53, "AB10"},
    {"Space", 57, "SPCE"},
    {"Tab", 15, "TAB"},
    {"MediaPlayPause", 164, "I172"},
    {"MediaStop", 166, "I174"},
    {"MediaTrackNext", 163, "I171"},
    {"MediaTrackPrevious", 165, "I173"},
});

constexpr std::array<std::string_view, 8> modifiers = {
    "AltLeft",  "AltRight",  "ControlLeft", "ControlRight",
    "MetaLeft", "MetaRight", "ShiftLeft",   "ShiftRight",
};

const std::array<key_code_entry, table.size()>& sorted_table() {
  static const auto sorted = [] {
    auto t = table;
    std::sort(t.begin(), t.end(), [](const auto& a, const auto& b) { return a.code < b.code; });
    return t;
  }();
  return sorted;
}

}  // namespace

std::span<const key_code_entry> key_codes() {
  return sorted_table();
}

const key_code_entry* find_key_code(std::string_view code) {
  const auto& t = sorted_table();
  const auto it =
      std::lower_bound(t.begin(), t.end(), code,
                       [](const key_code_entry& e, std::string_view c) { return e.code < c; });
  return it != t.end() && it->code == code ? &*it : nullptr;
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
