// The one table of message types (protocol/message_types.hpp) against §3 of docs/protocol.md,
// and the fixture that lets the console's mirror (web/js/protocol.js) check its numbers.
#include "protocol/message_types.hpp"

#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <set>
#include <string>

#include "protocol/message.hpp"

namespace visit::protocol {
namespace {

namespace fs = std::filesystem;

TEST(message_types, the_table_lists_the_sixteen_types_of_version_1) {
  std::set<std::string_view> names;
  int known = 0;
  for (int t = 0; t < 256; ++t) {
    const auto type = static_cast<std::uint8_t>(t);
    const message_info& info = message_info_of(type);
    EXPECT_EQ(is_known_type(type), !info.name.empty()) << t;
    if (info.name.empty()) {
      EXPECT_EQ(to_string(static_cast<message_type>(type)), "unknown");
      EXPECT_EQ(info.routes, 0) << t;
      continue;
    }
    ++known;
    EXPECT_TRUE(names.insert(info.name).second) << info.name;
    EXPECT_EQ(to_string(static_cast<message_type>(type)), info.name);
    EXPECT_GT(info.limit, 0u) << info.name;
    EXPECT_LE(info.limit + header_size, max_message_size) << info.name;
    EXPECT_NE(info.routes, 0) << info.name << " travels nowhere";
  }
  EXPECT_EQ(known, 16);
  EXPECT_EQ(max_payload_size(message_type::frame_ack), 4u);
  EXPECT_EQ(max_payload_size(message_type::cursor_position), 6u);
  EXPECT_EQ(max_payload_size(message_type::frame), max_frame_payload);
  EXPECT_EQ(max_payload_size(message_type::input), 65u + 2u + 256u * 8u);
  EXPECT_TRUE(is_json_type(message_type::access_state));
  EXPECT_FALSE(is_json_type(message_type::clipboard));
  EXPECT_TRUE(is_control_type(message_type::paste_text));
  EXPECT_FALSE(is_control_type(message_type::frame));
  EXPECT_TRUE(is_request_type(message_type::console_event));
  EXPECT_FALSE(is_request_type(message_type::hello));
  EXPECT_TRUE(travels(message_type::frame_ack, route::viewer_to_server));
  EXPECT_TRUE(travels(message_type::frame_ack, route::server_to_customer));
  EXPECT_FALSE(travels(message_type::frame_ack, route::customer_to_server));
  EXPECT_TRUE(travels(message_type::console_event, route::server_to_console));
  EXPECT_FALSE(travels(message_type::input, route::customer_to_server));
  // The older spellings name the same enumerators.
  EXPECT_EQ(control_type::input, message_type::input);
  EXPECT_EQ(request_type::request_filed, message_type::request_filed);
}

TEST(message_types, close_codes_round_trip_through_their_text) {
  for (int c = 0; c <= static_cast<int>(close_code::resolved); ++c) {
    const auto code = static_cast<close_code>(c);
    EXPECT_EQ(close_code_from_string(to_string(code)), code) << to_string(code);
  }
  EXPECT_EQ(to_string(close_code::code_refused), "code_refused");
  EXPECT_FALSE(close_code_from_string("Resolved"));
  EXPECT_FALSE(close_code_from_string(""));
}

// One line per type: number, name, payload kind, limit. Read by tests/js/protocol.test.mjs.
std::string table_text() {
  static constexpr const char* kinds[] = {"json", "binary", "fixed_size"};
  std::string out;
  for (int t = 0; t < 256; ++t) {
    const message_info& info = message_info_of(static_cast<std::uint8_t>(t));
    if (info.name.empty()) continue;
    char number[8];
    std::snprintf(number, sizeof number, "0x%02x", t);
    out += std::string(number) + " " + std::string(info.name) + " " +
           kinds[static_cast<int>(info.payload)] + " " + std::to_string(info.limit) + "\n";
  }
  return out;
}

TEST(message_types, fixture_is_reproduced) {
  const fs::path path = fs::path(VISIT_PROTOCOL_FIXTURES) / "message_types.txt";
  const char* update = std::getenv("VISIT_UPDATE_FIXTURES");
  if (update && std::string(update) == "1") {
    std::ofstream(path, std::ios::binary) << table_text();
  }
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << path << " (VISIT_UPDATE_FIXTURES=1 writes it)";
  const std::string stored{std::istreambuf_iterator<char>(in), {}};
  EXPECT_EQ(stored, table_text());
}

}  // namespace
}  // namespace visit::protocol
