// The committed fuzz seeds are valid messages (a seed the parser refuses explores little).
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <iterator>

#include "protocol/message.hpp"

namespace visit::protocol {
namespace {

TEST(corpus, every_seed_parses) {
  std::filesystem::path dir = VISIT_PROTOCOL_FIXTURES "/corpus";
  int count = 0;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream in(entry.path(), std::ios::binary);
    std::vector<std::uint8_t> bytes((std::istreambuf_iterator<char>(in)), {});
    auto m = parse_message(bytes);
    ASSERT_TRUE(m) << entry.path() << ": " << m.error().message();
    if (m->hdr.type == message_type::frame) {
      auto tiles = parse_frame(m->payload, 130, 70);
      EXPECT_TRUE(tiles) << entry.path() << ": " << tiles.error().message();
    }
    ++count;
  }
  EXPECT_GE(count, 5);
}

}  // namespace
}  // namespace visit::protocol
