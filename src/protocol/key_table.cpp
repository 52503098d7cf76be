// The key table (docs/protocol.md §9.6): numbers, codes, evdev codes, XKB names.
#include "protocol/key_table.hpp"

#include <algorithm>
#include <array>

namespace visit::protocol {
namespace {

// Index = key number (§9.6). Append only. evdev codes and XKB names follow the Linux input
// event codes and xkeyboard-config's keycodes/evdev.
constexpr std::array<key_info, key_count> table = {{
    {"Unidentified", 0, ""},         // 0: never sent
    {"KeyA", 30, "AC01"},            // 1
    {"KeyB", 48, "AB05"},            // 2
    {"KeyC", 46, "AB03"},            // 3
    {"KeyD", 32, "AC03"},            // 4
    {"KeyE", 18, "AD03"},            // 5
    {"KeyF", 33, "AC04"},            // 6
    {"KeyG", 34, "AC05"},            // 7
    {"KeyH", 35, "AC06"},            // 8
    {"KeyI", 23, "AD08"},            // 9
    {"KeyJ", 36, "AC07"},            // 10
    {"KeyK", 37, "AC08"},            // 11
    {"KeyL", 38, "AC09"},            // 12
    {"KeyM", 50, "AB07"},            // 13
    {"KeyN", 49, "AB06"},            // 14
    {"KeyO", 24, "AD09"},            // 15
    {"KeyP", 25, "AD10"},            // 16
    {"KeyQ", 16, "AD01"},            // 17
    {"KeyR", 19, "AD04"},            // 18
    {"KeyS", 31, "AC02"},            // 19
    {"KeyT", 20, "AD05"},            // 20
    {"KeyU", 22, "AD07"},            // 21
    {"KeyV", 47, "AB04"},            // 22
    {"KeyW", 17, "AD02"},            // 23
    {"KeyX", 45, "AB02"},            // 24
    {"KeyY", 21, "AD06"},            // 25
    {"KeyZ", 44, "AB01"},            // 26
    {"Digit0", 11, "AE10"},          // 27
    {"Digit1", 2, "AE01"},           // 28
    {"Digit2", 3, "AE02"},           // 29
    {"Digit3", 4, "AE03"},           // 30
    {"Digit4", 5, "AE04"},           // 31
    {"Digit5", 6, "AE05"},           // 32
    {"Digit6", 7, "AE06"},           // 33
    {"Digit7", 8, "AE07"},           // 34
    {"Digit8", 9, "AE08"},           // 35
    {"Digit9", 10, "AE09"},          // 36
    {"F1", 59, "FK01"},              // 37
    {"F2", 60, "FK02"},              // 38
    {"F3", 61, "FK03"},              // 39
    {"F4", 62, "FK04"},              // 40
    {"F5", 63, "FK05"},              // 41
    {"F6", 64, "FK06"},              // 42
    {"F7", 65, "FK07"},              // 43
    {"F8", 66, "FK08"},              // 44
    {"F9", 67, "FK09"},              // 45
    {"F10", 68, "FK10"},             // 46
    {"F11", 87, "FK11"},             // 47
    {"F12", 88, "FK12"},             // 48
    {"Enter", 28, "RTRN"},           // 49
    {"Escape", 1, "ESC"},            // 50
    {"Backspace", 14, "BKSP"},       // 51
    {"Tab", 15, "TAB"},              // 52
    {"Space", 57, "SPCE"},           // 53
    {"Minus", 12, "AE11"},           // 54
    {"Equal", 13, "AE12"},           // 55
    {"BracketLeft", 26, "AD11"},     // 56
    {"BracketRight", 27, "AD12"},    // 57
    {"Backslash", 43, "BKSL"},       // 58
    {"Semicolon", 39, "AC10"},       // 59
    {"Quote", 40, "AC11"},           // 60
    {"Backquote", 41, "TLDE"},       // 61
    {"Comma", 51, "AB08"},           // 62
    {"Period", 52, "AB09"},          // 63
    {"Slash", 53, "AB10"},           // 64
    {"CapsLock", 58, "CAPS"},        // 65
    {"PrintScreen", 99, "PRSC"},     // 66
    {"ScrollLock", 70, "SCLK"},      // 67
    {"Pause", 119, "PAUS"},          // 68
    {"Insert", 110, "INS"},          // 69
    {"Home", 102, "HOME"},           // 70
    {"PageUp", 104, "PGUP"},         // 71
    {"Delete", 111, "DELE"},         // 72
    {"End", 107, "END"},             // 73
    {"PageDown", 109, "PGDN"},       // 74
    {"ArrowRight", 106, "RGHT"},     // 75
    {"ArrowLeft", 105, "LEFT"},      // 76
    {"ArrowDown", 108, "DOWN"},      // 77
    {"ArrowUp", 103, "UP"},          // 78
    {"NumLock", 69, "NMLK"},         // 79
    {"NumpadDivide", 98, "KPDV"},    // 80
    {"NumpadMultiply", 55, "KPMU"},  // 81
    {"NumpadSubtract", 74, "KPSU"},  // 82
    {"NumpadAdd", 78, "KPAD"},       // 83
    {"NumpadEnter", 96, "KPEN"},     // 84
    {"Numpad1", 79, "KP1"},          // 85
    {"Numpad2", 80, "KP2"},          // 86
    {"Numpad3", 81, "KP3"},          // 87
    {"Numpad4", 75, "KP4"},          // 88
    {"Numpad5", 76, "KP5"},          // 89
    {"Numpad6", 77, "KP6"},          // 90
    {"Numpad7", 71, "KP7"},          // 91
    {"Numpad8", 72, "KP8"},          // 92
    {"Numpad9", 73, "KP9"},          // 93
    {"Numpad0", 82, "KP0"},          // 94
    {"NumpadDecimal", 83, "KPDL"},   // 95
    {"IntlBackslash", 86, "LSGT"},   // 96
    {"ContextMenu", 127, "COMP"},    // 97
    {"ShiftLeft", 42, "LFSH"},       // 98
    {"ShiftRight", 54, "RTSH"},      // 99
    {"ControlLeft", 29, "LCTL"},     // 100
    {"ControlRight", 97, "RCTL"},    // 101
    {"AltLeft", 56, "LALT"},         // 102
    {"AltRight", 100, "RALT"},       // 103
    {"MetaLeft", 125, "LWIN"},       // 104
    {"MetaRight", 126, "RWIN"},      // 105
    {"F13", 183, "FK13"},            // 106
    {"F14", 184, "FK14"},            // 107
    {"F15", 185, "FK15"},            // 108
    {"F16", 186, "FK16"},            // 109
    {"IntlRo", 89, "AB11"},          // 110
    {"IntlYen", 124, "AE13"},        // 111
}};

constexpr auto names = [] {
  std::array<std::string_view, key_count> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = table[i].code;
  return a;
}();

// Key numbers 1.. sorted by code, for key_code_index().
constexpr auto by_code = [] {
  std::array<std::uint16_t, key_count - 1> a{};
  for (std::size_t i = 0; i < a.size(); ++i) a[i] = static_cast<std::uint16_t>(i + 1);
  std::sort(a.begin(), a.end(),
            [](std::uint16_t l, std::uint16_t r) { return table[l].code < table[r].code; });
  return a;
}();

}  // namespace

std::span<const key_info, key_count> key_table() {
  return table;
}

const key_info* find_key(std::uint16_t key) {
  return key >= 1 && key < key_count ? &table[key] : nullptr;
}

std::optional<std::uint16_t> key_code_index(std::string_view code) {
  const auto it =
      std::lower_bound(by_code.begin(), by_code.end(), code,
                       [](std::uint16_t k, std::string_view c) { return table[k].code < c; });
  if (it == by_code.end() || table[*it].code != code) return std::nullopt;
  return *it;
}

std::span<const std::string_view> key_code_names() {
  return names;
}

}  // namespace visit::protocol
