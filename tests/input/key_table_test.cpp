// The one key table (protocol/key_table.hpp) as the injector uses it: every protocol key number
// names a distinct physical key, and every inverse lookup agrees with the table.
#include "protocol/key_table.hpp"

#include <gtest/gtest.h>

#include <set>
#include <string>

#include "input/fake_input_injector.hpp"
#include "input/key_codes.hpp"
#include "protocol/control.hpp"

namespace visit::input {
namespace {

TEST(key_table, every_key_number_names_a_distinct_evdev_code_and_xkb_name) {
  const auto table = protocol::key_table();
  ASSERT_EQ(table.size(), protocol::key_count);
  EXPECT_EQ(table[0].code, "Unidentified");
  EXPECT_EQ(protocol::find_key(0), nullptr);
  EXPECT_EQ(protocol::find_key(protocol::key_count), nullptr);
  std::set<std::string_view> codes, xkb_names;
  std::set<int> evdev;
  for (std::uint16_t k = 1; k < protocol::key_count; ++k) {
    const protocol::key_info* key = protocol::find_key(k);
    ASSERT_NE(key, nullptr) << k;
    EXPECT_EQ(key, &table[k]);
    EXPECT_FALSE(key->code.empty()) << k;
    EXPECT_FALSE(key->xkb_name.empty()) << key->code;
    EXPECT_LE(key->xkb_name.size(), 4u) << key->code << ": XKB key names have 4 characters";
    EXPECT_GT(key->evdev, 0) << key->code;
    EXPECT_LE(key->evdev + 8, 255) << key->code << ": X keycodes stop at 255";
    EXPECT_TRUE(codes.insert(key->code).second) << key->code;
    EXPECT_TRUE(evdev.insert(key->evdev).second) << key->code;
    EXPECT_TRUE(xkb_names.insert(key->xkb_name).second) << key->code;
  }
  // Spot checks against §9.6 and the evdev / XKB tables.
  EXPECT_EQ(table[1].code, "KeyA");
  EXPECT_EQ(table[1].evdev, 30);
  EXPECT_EQ(table[1].xkb_name, "AC01");
  EXPECT_EQ(table[49].code, "Enter");
  EXPECT_EQ(table[98].code, "ShiftLeft");
  EXPECT_EQ(table[98].xkb_name, "LFSH");
  EXPECT_EQ(table[111].code, "IntlYen");
}

TEST(key_table, inverse_lookups_agree_with_the_table) {
  const auto table = protocol::key_table();
  const auto names = protocol::key_code_names();
  ASSERT_EQ(names.size(), table.size());
  for (std::uint16_t k = 1; k < protocol::key_count; ++k) {
    EXPECT_EQ(names[k], table[k].code);
    EXPECT_EQ(protocol::key_code_index(table[k].code), k) << table[k].code;
    EXPECT_EQ(find_key_code(table[k].code), &table[k]) << table[k].code;
  }
  EXPECT_EQ(key_codes().size(), table.size() - 1u);
  EXPECT_EQ(key_codes().data(), table.data() + 1);
  for (const char* unknown : {"", "Unidentified", "keya", "KeyA ", "F24", "Zzz", "AAA"}) {
    EXPECT_FALSE(protocol::key_code_index(unknown)) << unknown;
    EXPECT_EQ(find_key_code(unknown), nullptr) << unknown;
  }
}

TEST(key_table, the_injector_takes_numbers_and_codes_alike) {
  fake_input_injector by_number(100, 100), by_code(100, 100);
  for (std::uint16_t k = 1; k < protocol::key_count; ++k) {
    const std::string code(protocol::key_table()[k].code);
    ASSERT_EQ(by_number.key(k, true), input_error::none) << code;
    ASSERT_EQ(by_code.key(code, true), input_error::none) << code;
  }
  EXPECT_EQ(by_number.calls(), by_code.calls());
  EXPECT_EQ(by_number.pressed().keys.size(), protocol::key_count - 1u);
  EXPECT_EQ(by_number.key(std::uint16_t{0}, true), input_error::unknown_code);
  EXPECT_EQ(by_number.key(protocol::key_count, true), input_error::unknown_code);
  EXPECT_EQ(by_code.key("Unidentified", true), input_error::unknown_code);
  // Every chord of special() is made of keys of the table.
  for (const auto& c : special_combinations()) {
    for (auto code : c.chord) EXPECT_TRUE(protocol::key_code_index(code)) << c.name << ": " << code;
  }
}

}  // namespace
}  // namespace visit::input
