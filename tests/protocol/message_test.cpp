// parse_message and the writers: round trips, limits, refusals (docs/protocol.md §2, §3).
#include "protocol/message.hpp"

#include <gtest/gtest.h>

#include <string>

namespace visit::protocol {
namespace {

std::vector<std::uint8_t> raw_message(std::uint8_t type, std::size_t payload_size,
                                      std::uint8_t fill = 0) {
  std::vector<std::uint8_t> out;
  write_header(out, header{static_cast<message_type>(type), 0, 0, 1, 0});
  out.resize(header_size + payload_size, fill);
  return out;
}

// A JSON object of exactly `size` bytes: {"a":"xxxx..."}.
// A JSON object of exactly `size` bytes (>= 8): string members of at most 16 KiB each, so
// the large JSON types stay within the parser's structural bounds.
std::string json_of_size(std::size_t size) {
  std::string s = "{";
  for (int i = 0;; ++i) {
    std::string key = "\"a" + std::to_string(i) + "\":\"";
    std::size_t fixed = s.size() + (i > 0 ? 1 : 0) + key.size() + 2;  // quote + brace
    std::size_t room = size - fixed;
    if (room <= 16384) {
      if (i > 0) s += ',';
      s += key;
      s.append(room, 'x');
      s += "\"}";
      return s;
    }
    if (i > 0) s += ',';
    s += key;
    s.append(16000, 'x');
    s += '"';
  }
}

TEST(message, header_round_trip) {
  auto msg = make_json_message(message_type::hello, 0xA1B2C3D4u, 0x0102030405060708ull,
                               R"({"protocol":1})");
  ASSERT_EQ(msg.size(), header_size + 14);
  EXPECT_EQ(msg[0], 0x01);
  EXPECT_EQ(msg[4], 0xD4);  // little-endian sequence
  EXPECT_EQ(msg[8], 0x08);  // little-endian timestamp
  auto m = parse_message(msg);
  ASSERT_TRUE(m) << m.error().message();
  EXPECT_EQ(m->hdr.type, message_type::hello);
  EXPECT_EQ(m->hdr.sequence, 0xA1B2C3D4u);
  EXPECT_EQ(m->hdr.timestamp_us, 0x0102030405060708ull);
  EXPECT_EQ(std::string(m->payload.begin(), m->payload.end()), R"({"protocol":1})");
  EXPECT_EQ(m->payload.data(), msg.data() + header_size);  // a view, not a copy
}

TEST(message, frame_ack_round_trip) {
  auto msg = make_frame_ack(7, 99, 0xFFFFFFFEu);
  auto m = parse_message(msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->hdr.type, message_type::frame_ack);
  auto acked = parse_frame_ack(m->payload);
  ASSERT_TRUE(acked);
  EXPECT_EQ(*acked, 0xFFFFFFFEu);
}

TEST(message, cursor_round_trips) {
  std::vector<std::uint8_t> rgba(3 * 2 * 4, 0x7F);
  auto shape = make_cursor_shape(3, 0, 3, 2, 2, 1, rgba);
  auto m = parse_message(shape);
  ASSERT_TRUE(m) << m.error().message();
  auto v = parse_cursor_shape(m->payload);
  ASSERT_TRUE(v);
  EXPECT_EQ(v->w, 3);
  EXPECT_EQ(v->h, 2);
  EXPECT_EQ(v->hot_x, 2);
  EXPECT_EQ(v->hot_y, 1);
  EXPECT_EQ(v->rgba.size(), rgba.size());

  auto pos = make_cursor_position(4, 0, {1919, 1079, true});
  auto mp = parse_message(pos);
  ASSERT_TRUE(mp);
  auto p = parse_cursor_position(mp->payload);
  ASSERT_TRUE(p);
  EXPECT_EQ(p->x, 1919);
  EXPECT_EQ(p->y, 1079);
  EXPECT_TRUE(p->visible);
}

TEST(message, largest_cursor_accepted_larger_refused) {
  std::vector<std::uint8_t> rgba(128 * 128 * 4);
  EXPECT_TRUE(parse_message(make_cursor_shape(1, 0, 128, 128, 127, 127, rgba)));
  auto msg = make_cursor_shape(1, 0, 128, 128, 0, 0, rgba);
  msg.push_back(0);
  EXPECT_EQ(parse_message(msg).error(), parse_error::too_large);
}

TEST(message, cursor_fields_checked) {
  std::vector<std::uint8_t> rgba(4 * 4 * 4);
  EXPECT_EQ(parse_message(make_cursor_shape(1, 0, 4, 4, 4, 0, rgba)).error(),
            parse_error::bad_value);  // hot_x == w
  EXPECT_EQ(parse_message(make_cursor_shape(1, 0, 4, 4, 0, 4, rgba)).error(),
            parse_error::bad_value);
  auto zero = make_cursor_shape(1, 0, 4, 4, 0, 0, rgba);
  zero[header_size] = 0;  // w = 0
  EXPECT_EQ(parse_message(zero).error(), parse_error::bad_value);
  auto wide = make_cursor_shape(1, 0, 4, 4, 0, 0, rgba);
  wide[header_size] = 129;
  EXPECT_EQ(parse_message(wide).error(), parse_error::bad_value);
  auto short_pixels = make_cursor_shape(1, 0, 4, 4, 0, 0, rgba);
  short_pixels.pop_back();
  EXPECT_EQ(parse_message(short_pixels).error(), parse_error::bad_size);
  EXPECT_EQ(parse_message(raw_message(0x12, 7)).error(), parse_error::bad_size);

  auto pos = make_cursor_position(1, 0, {0, 0, false});
  pos[header_size + 4] = 2;  // visible must be 0 or 1
  EXPECT_EQ(parse_message(pos).error(), parse_error::bad_value);
  pos[header_size + 4] = 1;
  pos[header_size + 5] = 1;  // reserved
  EXPECT_EQ(parse_message(pos).error(), parse_error::bad_value);
}

TEST(message, shorter_than_header_is_truncated) {
  auto msg = make_frame_ack(1, 0, 1);
  for (std::size_t n = 0; n < header_size; ++n) {
    EXPECT_EQ(parse_message(std::span(msg.data(), n)).error(), parse_error::truncated) << n;
  }
}

TEST(message, unknown_types_refused) {
  for (int t = 0; t < 256; ++t) {
    auto msg = raw_message(static_cast<std::uint8_t>(t), 0);
    auto r = parse_message(msg);
    if (is_known_type(static_cast<std::uint8_t>(t))) {
      if (r) continue;
      EXPECT_NE(r.error(), parse_error::unknown_type) << t;
    } else {
      ASSERT_FALSE(r) << t;
      EXPECT_EQ(r.error(), parse_error::unknown_type) << t;
    }
  }
  EXPECT_TRUE(is_known_type(0x01));
  EXPECT_TRUE(is_known_type(0x13));
  EXPECT_FALSE(is_known_type(0x00));
  EXPECT_TRUE(is_known_type(0x05));
  EXPECT_TRUE(is_known_type(0x30));
  EXPECT_FALSE(is_known_type(0x07));
  EXPECT_FALSE(is_known_type(0x31));
  EXPECT_FALSE(is_known_type(0x14));
}

TEST(message, flags_and_channel_must_be_zero) {
  auto msg = make_frame_ack(1, 0, 1);
  for (std::size_t i : {1, 2, 3}) {
    auto bad = msg;
    bad[i] = 0x80;
    EXPECT_EQ(parse_message(bad).error(), parse_error::bad_flags) << i;
  }
}

TEST(message, fixed_sizes_exact) {
  for (std::size_t n : {0, 3, 5}) {
    EXPECT_EQ(parse_message(raw_message(0x11, n)).error(),
              n > 4 ? parse_error::too_large : parse_error::bad_size)
        << n;
  }
  for (std::size_t n : {0, 5, 7}) {
    EXPECT_EQ(parse_message(raw_message(0x13, n)).error(),
              n > 6 ? parse_error::too_large : parse_error::bad_size)
        << n;
  }
  EXPECT_TRUE(parse_message(raw_message(0x11, 4)));
  EXPECT_TRUE(parse_message(raw_message(0x13, 6)));
}

TEST(message, json_limits_zero_max_and_max_plus_one) {
  struct limit {
    message_type type;
    std::size_t max;
  };
  for (auto [type, max] :
       {limit{message_type::hello, 65536}, limit{message_type::close_reason, 4096},
        limit{message_type::screen_info, 1024}, limit{message_type::viewers, 16 * 1024},
        limit{request_type::request_filed, 1024}, limit{request_type::console_event, 1u << 20},
        limit{request_type::support_request, 4u << 20}}) {
    EXPECT_EQ(max_payload_size(type), max);
    EXPECT_EQ(parse_message(make_json_message(type, 1, 0, "")).error(), parse_error::bad_json);
    EXPECT_TRUE(parse_message(make_json_message(type, 1, 0, json_of_size(max))));
    EXPECT_EQ(parse_message(make_json_message(type, 1, 0, json_of_size(max + 1))).error(),
              parse_error::too_large);
  }
}

TEST(message, frame_limits) {
  EXPECT_EQ(parse_message(raw_message(0x10, 0)).error(), parse_error::truncated);
  EXPECT_EQ(parse_message(raw_message(0x10, max_frame_payload + 1)).error(),
            parse_error::too_large);
  EXPECT_TRUE(parse_message(raw_message(0x10, max_frame_payload)));  // tiles checked later
  EXPECT_EQ(max_message_size, (8u << 20) + 16);
}

TEST(message, json_must_be_an_object_of_valid_utf8) {
  for (std::string_view bad :
       {"[]", "1", "\"s\"", "null", "true", "{", "{\"a\":1,}", "{}x", "{} {}", "// c\n{}",
        "{\"a\":\"\xC0\xAF\"}", "{\"a\":\"\xED\xA0\x80\"}", "\xEF\xBB\xBF{}", "{\"a\" 1}",
        "{'a':1}"}) {
    auto msg = make_json_message(message_type::hello, 1, 0, bad);
    EXPECT_EQ(parse_message(msg).error(), parse_error::bad_json) << bad;
  }
  std::string nul_after = "{}";
  nul_after.push_back('\0');
  EXPECT_EQ(parse_message(make_json_message(message_type::hello, 1, 0, nul_after)).error(),
            parse_error::bad_json);
  for (std::string_view good : {"{}", " {\"a\": [1, {\"b\": null}]} \n",
                                "{\"name\":\"Zo\xC3\xAB \xE2\x82\xAC \xF0\x9F\x98\x80\"}"}) {
    auto msg = make_json_message(message_type::hello, 1, 0, good);
    EXPECT_TRUE(parse_message(msg)) << good;
  }
}

TEST(message, deep_json_nesting_refused_without_recursion_blowup) {
  std::string deep = "{\"a\":";
  for (int i = 0; i < 5000; ++i) deep += "[";
  for (int i = 0; i < 5000; ++i) deep += "]";
  deep += "}";
  EXPECT_EQ(parse_message(make_json_message(message_type::hello, 1, 0, deep)).error(),
            parse_error::bad_json);
}

TEST(message, error_category_and_close_codes) {
  boost::system::error_code ec = parse_error::too_large;
  EXPECT_EQ(ec.category().name(), std::string("visit.protocol"));
  EXPECT_EQ(ec.message(), "payload over its type's limit");
  EXPECT_EQ(close_code_for(parse_error::too_large), close_code::too_large);
  EXPECT_EQ(close_code_for(parse_error::bad_tile), close_code::protocol_error);
  for (int c = 0; c <= static_cast<int>(close_code::resolved); ++c) {
    auto code = static_cast<close_code>(c);
    EXPECT_EQ(close_code_from_string(to_string(code)), code);
  }
  EXPECT_EQ(to_string(close_code::forbidden_origin), "forbidden_origin");
  EXPECT_FALSE(close_code_from_string("nope"));
}

TEST(message, as_parse_error_takes_only_codes_of_the_protocol_category) {
  EXPECT_EQ(as_parse_error(make_error_code(parse_error::bad_json)), parse_error::bad_json);
  EXPECT_EQ(as_parse_error(parse_message(std::vector<std::uint8_t>(3)).error()),
            parse_error::truncated);
  EXPECT_FALSE(as_parse_error(boost::system::error_code()));
  // The same value in another category is not a parse_error.
  const int value = static_cast<int>(parse_error::bad_json);
  EXPECT_FALSE(as_parse_error({value, boost::system::generic_category()}));
  EXPECT_FALSE(as_parse_error({value, boost::system::system_category()}));
}

TEST(message, now_us_is_wall_clock) {
  auto t = now_us();
  EXPECT_GT(t, 1'600'000'000'000'000ull);  // after 2020
  EXPECT_LT(t, 4'000'000'000'000'000ull);
}

TEST(message, little_endian_helpers) {
  std::vector<std::uint8_t> out;
  put_u16(out, 0xBEEF);
  put_u32(out, 0xDEADBEEFu);
  put_u64(out, 0x0123456789ABCDEFull);
  ASSERT_EQ(out.size(), 14u);
  EXPECT_EQ(read_u16(out.data()), 0xBEEF);
  EXPECT_EQ(read_u32(out.data() + 2), 0xDEADBEEFu);
  EXPECT_EQ(read_u64(out.data() + 6), 0x0123456789ABCDEFull);
  EXPECT_EQ(out[0], 0xEF);
}

}  // namespace
}  // namespace visit::protocol
