// The protocol -> visit_input names used by x11_input_sink.
#include "client/x11_input_sink.hpp"

#include <gtest/gtest.h>

#include "input/key_codes.hpp"
#include "protocol/control.hpp"

namespace visit::client {
namespace {

TEST(x11_input_sink, every_protocol_key_code_is_a_key_the_injector_knows) {
  const auto names = protocol::key_code_names();
  EXPECT_EQ(key_code_for_index(0), "");
  EXPECT_EQ(key_code_for_index(static_cast<std::uint16_t>(names.size())), "");
  for (std::size_t i = 1; i < names.size(); ++i) {
    const std::string_view code = key_code_for_index(static_cast<std::uint16_t>(i));
    EXPECT_EQ(code, names[i]);
    EXPECT_NE(input::find_key_code(code), nullptr) << code;
  }
  EXPECT_EQ(key_code_for_index(*protocol::key_code_index("ShiftLeft")), "ShiftLeft");
}

TEST(x11_input_sink, every_protocol_special_key_is_a_combination_of_the_injector) {
  for (std::uint8_t k = 1; k <= protocol::special_key_count; ++k) {
    const auto key = static_cast<protocol::special_key>(k);
    EXPECT_NE(input::find_special(special_name(key)), nullptr) << protocol::to_string(key);
  }
  EXPECT_EQ(special_name(protocol::special_key::meta), "win");
  EXPECT_EQ(special_name(protocol::special_key::ctrl_alt_del), "ctrl_alt_del");
}

}  // namespace
}  // namespace visit::client
