#include "input/key_codes.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

namespace visit::input {
namespace {

TEST(key_codes, maps_browser_codes_to_evdev_and_xkb_names) {
  const struct {
    const char* code;
    int evdev;
    const char* name;
  } expected[] = {
      {"KeyA", 30, "AC01"},        {"KeyZ", 44, "AB01"},        {"KeyY", 21, "AD06"},
      {"Digit1", 2, "AE01"},       {"Digit0", 11, "AE10"},      {"ShiftLeft", 42, "LFSH"},
      {"ControlLeft", 29, "LCTL"}, {"AltLeft", 56, "LALT"},     {"AltRight", 100, "RALT"},
      {"MetaLeft", 125, "LWIN"},   {"Enter", 28, "RTRN"},       {"ArrowLeft", 105, "LEFT"},
      {"F1", 59, "FK01"},          {"F12", 88, "FK12"},         {"IntlBackslash", 86, "LSGT"},
      {"Minus", 12, "AE11"},       {"BracketLeft", 26, "AD11"}, {"NumpadEnter", 96, "KPEN"},
      {"Delete", 111, "DELE"},     {"Backquote", 41, "TLDE"},
  };
  for (const auto& e : expected) {
    const key_code_entry* entry = find_key_code(e.code);
    ASSERT_NE(entry, nullptr) << e.code;
    EXPECT_EQ(entry->evdev, e.evdev) << e.code;
    EXPECT_EQ(entry->xkb_name, e.name) << e.code;
  }
}

TEST(key_codes, covers_the_full_105_key_keyboard_once) {
  std::set<std::string_view> codes;
  std::set<int> scancodes;
  std::set<std::string_view> names;
  for (const auto& e : key_codes()) {
    EXPECT_TRUE(codes.insert(e.code).second) << e.code;
    EXPECT_TRUE(scancodes.insert(e.evdev).second) << e.code;
    EXPECT_TRUE(names.insert(e.xkb_name).second) << e.code;
    EXPECT_GT(e.evdev, 0);
    EXPECT_LE(e.evdev + 8, 255) << "X keycodes stop at 255";
    EXPECT_EQ(find_key_code(e.code), &e);
  }
  EXPECT_GE(codes.size(), 105u);
  for (char c = 'A'; c <= 'Z'; ++c) EXPECT_TRUE(find_key_code(std::string("Key") + c)) << c;
  for (int f = 1; f <= 12; ++f) EXPECT_TRUE(find_key_code("F" + std::to_string(f))) << f;
  for (int d = 0; d <= 9; ++d) {
    EXPECT_TRUE(find_key_code("Digit" + std::to_string(d)));
    EXPECT_TRUE(find_key_code("Numpad" + std::to_string(d)));
  }
}

TEST(key_codes, refuses_unknown_codes) {
  EXPECT_EQ(find_key_code(""), nullptr);
  EXPECT_EQ(find_key_code("keya"), nullptr);
  EXPECT_EQ(find_key_code("KeyA "), nullptr);
  EXPECT_EQ(find_key_code("Unidentified"), nullptr);
}

TEST(key_codes, special_combinations_use_known_codes) {
  for (const auto& c : special_combinations()) {
    EXPECT_FALSE(c.chord.empty()) << c.name;
    for (auto code : c.chord) EXPECT_TRUE(find_key_code(code)) << c.name << ": " << code;
  }
  ASSERT_TRUE(find_special("ctrl_alt_del"));
  EXPECT_EQ(find_special("ctrl_alt_del")->chord,
            (std::vector<std::string_view>{"ControlLeft", "AltLeft", "Delete"}));
  EXPECT_TRUE(find_special("alt_tab"));
  EXPECT_TRUE(find_special("win"));
  EXPECT_FALSE(find_special("reboot"));
}

TEST(key_codes, modifiers_are_known) {
  EXPECT_TRUE(is_modifier_code("ShiftLeft"));
  EXPECT_TRUE(is_modifier_code("MetaRight"));
  EXPECT_FALSE(is_modifier_code("KeyA"));
}

TEST(utf8, decodes_valid_and_refuses_malformed_text) {
  std::vector<char32_t> out;
  ASSERT_TRUE(decode_utf8("a\xc3\xa4\xe2\x82\xac\xf0\x9f\x98\x80", out));
  EXPECT_EQ(out, (std::vector<char32_t>{U'a', U'\u00e4', U'\u20ac', U'\U0001F600'}));
  for (const char* bad : {"\xc3", "\xc0\x80", "\xed\xa0\x80", "\xf4\x90\x80\x80", "\xff", "\x80"})
    EXPECT_FALSE(decode_utf8(bad, out)) << bad;
}

}  // namespace
}  // namespace visit::input
