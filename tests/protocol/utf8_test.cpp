// is_valid_utf8: RFC 3629 well-formed sequences only.
#include <gtest/gtest.h>

#include "protocol/message.hpp"

namespace visit::protocol {
namespace {

TEST(utf8, accepts_well_formed) {
  for (std::string_view s :
       {"", "plain ascii that is longer than eight bytes", "\xC2\x80", "\xDF\xBF", "\xE0\xA0\x80",
        "\xED\x9F\xBF", "\xEE\x80\x80", "\xEF\xBF\xBF", "\xF0\x90\x80\x80", "\xF4\x8F\xBF\xBF",
        "caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80 ok"}) {
    EXPECT_TRUE(is_valid_utf8(s)) << s;
  }
  EXPECT_TRUE(is_valid_utf8(std::string_view("a\0b", 3)));  // NUL is valid UTF-8
}

TEST(utf8, refuses_ill_formed) {
  for (std::string_view s : {
           "\x80",              // lone continuation
           "\xBF",              //
           "\xC0\x80",          // overlong NUL
           "\xC1\xBF",          // overlong
           "\xE0\x9F\xBF",      // overlong 3-byte
           "\xED\xA0\x80",      // surrogate D800
           "\xED\xBF\xBF",      // surrogate DFFF
           "\xF0\x8F\xBF\xBF",  // overlong 4-byte
           "\xF4\x90\x80\x80",  // > U+10FFFF
           "\xF5\x80\x80\x80",  // invalid lead
           "\xFF",              //
           "\xC3",              // truncated at end
           "\xE2\x82",          //
           "\xF0\x9F\x98",      //
           "\xC3\x28",          // bad continuation
           "\xE2\x28\xA1",      //
           "abcdefgh\xE2\x82",  // truncated after the fast path
       }) {
    EXPECT_FALSE(is_valid_utf8(s)) << testing::PrintToString(s);
  }
}

}  // namespace
}  // namespace visit::protocol
