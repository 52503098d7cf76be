// The access-control messages (docs/protocol.md §3.3, §9): round trips, limits, refusals, and
// the golden fixtures shared with tests/js/protocol.test.mjs. After a deliberate change:
//   VISIT_UPDATE_FIXTURES=1 build/.../protocol_tests --gtest_filter='control_golden.*'
#include "protocol/control.hpp"

#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <string>

namespace visit::protocol {
namespace {

namespace fs = std::filesystem;
constexpr std::uint64_t fixed_time = 1'700'000'000'123'456ull;

input_event move(std::uint16_t x, std::uint16_t y) {
  input_event e;
  e.kind = input_kind::pointer_move;
  e.x = x;
  e.y = y;
  return e;
}
input_event button(std::uint8_t b, bool pressed, std::uint16_t x, std::uint16_t y) {
  input_event e;
  e.kind = input_kind::button;
  e.button = b;
  e.pressed = pressed;
  e.x = x;
  e.y = y;
  return e;
}
input_event wheel(std::int16_t dx, std::int16_t dy) {
  input_event e;
  e.kind = input_kind::wheel;
  e.dx = dx;
  e.dy = dy;
  return e;
}
input_event key(std::string_view code, bool pressed) {
  input_event e;
  e.kind = input_kind::key;
  e.key = key_code_index(code).value();
  e.pressed = pressed;
  return e;
}
input_event special(special_key k) {
  input_event e;
  e.kind = input_kind::special;
  e.special = k;
  return e;
}

std::vector<input_event> sample_events() {
  return {move(1919, 1079),         button(1, true, 10, 20),
          button(1, false, 10, 20), wheel(-3, 2),
          key("KeyA", true),        key("KeyA", false),
          key("ShiftLeft", true),   special(special_key::ctrl_alt_del)};
}

std::map<std::string, std::vector<std::uint8_t>> make_fixtures() {
  std::map<std::string, std::vector<std::uint8_t>> f;
  f["control_request_viewer.bin"] =
      make_json_message(control_type::control_request, 7, fixed_time, "{}");
  f["control_request_customer.bin"] =
      make_json_message(control_type::control_request, 8, fixed_time,
                        R"({"technician":{"id":"tech-7","name":"Grace Hopper"}})");
  f["access_state.bin"] = make_json_message(
      control_type::access_state, 9, fixed_time,
      R"({"mode":"full_access","controller":{"id":"tech-7","name":"Grace Hopper"},"reason":"granted"})");
  const auto events = sample_events();
  f["input_viewer.bin"] = make_input(10, fixed_time, "", events);
  f["input_customer.bin"] = make_input(11, fixed_time, "tech-7", events);
  f["paste_text.bin"] = make_paste_text(12, fixed_time, "tech-7", "caf\xC3\xA9 \xE2\x82\xAC");
  f["clipboard.bin"] = make_clipboard(13, fixed_time, "", "line 1\nline 2");
  std::string table;
  for (const auto name : key_code_names()) table.append(name).append("\n");
  f["key_codes.txt"] = std::vector<std::uint8_t>(table.begin(), table.end());
  return f;
}

std::vector<std::uint8_t> read_file(const fs::path& p) {
  std::ifstream in(p, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}

TEST(control_golden, fixtures_are_reproduced_byte_exact) {
  const fs::path dir = VISIT_PROTOCOL_FIXTURES;
  const char* update = std::getenv("VISIT_UPDATE_FIXTURES");
  for (const auto& [name, bytes] : make_fixtures()) {
    // Messages are fuzz seeds too (corpus/); the key table is not a message.
    std::vector<fs::path> paths = {dir / name};
    if (name.ends_with(".bin")) paths.push_back(dir / "corpus" / name);
    for (const auto& path : paths) {
      if (update && std::string(update) == "1") {
        std::ofstream out(path, std::ios::binary);
        out.write(reinterpret_cast<const char*>(bytes.data()),
                  static_cast<std::streamsize>(bytes.size()));
        ASSERT_TRUE(out.good()) << path;
        continue;
      }
      ASSERT_TRUE(fs::exists(path)) << path << " missing: run with VISIT_UPDATE_FIXTURES=1";
      EXPECT_EQ(read_file(path), bytes) << path << " differs; regenerate deliberately";
    }
  }
}

TEST(control, types_are_known_with_their_limits) {
  for (std::uint8_t t = 0x20; t <= 0x24; ++t) EXPECT_TRUE(is_known_type(t)) << int{t};
  EXPECT_FALSE(is_known_type(0x25));
  EXPECT_FALSE(is_known_type(0x1F));
  EXPECT_EQ(max_payload_size(control_type::control_request), 1024u);
  EXPECT_EQ(max_payload_size(control_type::access_state), 1024u);
  EXPECT_EQ(max_payload_size(control_type::input), 65u + 2u + 256u * 8u);
  EXPECT_EQ(max_payload_size(control_type::paste_text), 65u + 4096u);
  EXPECT_EQ(max_payload_size(control_type::clipboard), 65u + 65536u);
}

TEST(control, input_round_trip_both_forms) {
  const auto events = sample_events();
  for (std::string_view from : {std::string_view(), std::string_view("tech-7")}) {
    const auto msg = make_input(3, 4, from, events);
    const auto m = parse_message(msg);
    ASSERT_TRUE(m) << m.error().message();
    EXPECT_EQ(m->hdr.type, control_type::input);
    const auto batch = parse_input(m->payload);
    ASSERT_TRUE(batch);
    EXPECT_EQ(batch->from, from);
    EXPECT_EQ(batch->events, events);
  }
}

TEST(control, input_limits_and_refusals) {
  std::vector<input_event> many(max_input_events, move(1, 2));
  EXPECT_TRUE(parse_message(make_input(1, 0, std::string(64, 'a'), many)));
  // 257 events: over the payload limit with the longest id, bad_value otherwise.
  auto over = make_input(1, 0, "", many);
  over[header_size + 1] = 1;  // count 257 (low byte 1, high byte 1)
  over[header_size + 2] = 1;
  over.resize(over.size() + 8, 0);
  EXPECT_EQ(parse_message(over).error(), parse_error::bad_value);
  auto huge = make_input(1, 0, std::string(64, 'a'), many);
  huge.resize(huge.size() + 8, 0);
  EXPECT_EQ(parse_message(huge).error(), parse_error::too_large);

  const auto good = make_input(1, 0, "t", std::vector<input_event>{move(5, 6)});
  const std::size_t ev = header_size + 1 + 1 + 2;  // first event
  auto edit = [&](std::size_t at, std::uint8_t v) {
    auto b = good;
    b[at] = v;
    return parse_message(b);
  };
  EXPECT_TRUE(parse_message(good));
  EXPECT_EQ(edit(ev, 5).error(), parse_error::bad_value);                 // unknown kind
  EXPECT_EQ(edit(ev + 1, 1).error(), parse_error::bad_value);             // pointer_move b1 != 0
  EXPECT_EQ(edit(ev + 6, 1).error(), parse_error::bad_value);             // reserved
  EXPECT_EQ(edit(header_size + 1, '/').error(), parse_error::bad_value);  // bad id char
  EXPECT_EQ(edit(header_size, 65).error(), parse_error::bad_value);       // id too long
  EXPECT_EQ(edit(header_size, 30).error(), parse_error::truncated);       // id past the end
  EXPECT_EQ(edit(header_size + 2, 0).error(), parse_error::bad_value);    // count 0
  EXPECT_EQ(edit(header_size + 2, 2).error(), parse_error::bad_size);     // count 2, 1 event
  auto trailing = good;
  trailing.push_back(0);
  EXPECT_EQ(parse_message(trailing).error(), parse_error::bad_size);
  auto empty = good;
  empty.resize(header_size);
  EXPECT_EQ(parse_message(empty).error(), parse_error::truncated);

  // Field ranges per kind.
  auto one = [](input_event e) { return parse_message(make_input(1, 0, "", {&e, 1})); };
  EXPECT_EQ(one(button(0, true, 0, 0)).error(), parse_error::bad_value);
  EXPECT_EQ(one(button(10, true, 0, 0)).error(), parse_error::bad_value);
  EXPECT_TRUE(one(button(9, true, 0, 0)));
  EXPECT_TRUE(one(wheel(-100, 100)));
  EXPECT_EQ(one(wheel(-101, 0)).error(), parse_error::bad_value);
  EXPECT_EQ(one(wheel(0, 101)).error(), parse_error::bad_value);
  input_event k = key("KeyA", true);
  k.key = 0;
  EXPECT_EQ(one(k).error(), parse_error::bad_value);
  k.key = static_cast<std::uint16_t>(key_code_names().size());
  EXPECT_EQ(one(k).error(), parse_error::bad_value);
  k.key = static_cast<std::uint16_t>(key_code_names().size() - 1);
  EXPECT_TRUE(one(k));
  input_event s = special(special_key::ctrl_esc);
  EXPECT_TRUE(one(s));
  s.special = static_cast<special_key>(special_key_count + 1);
  EXPECT_EQ(one(s).error(), parse_error::bad_value);
}

TEST(control, text_limits_and_refusals) {
  EXPECT_TRUE(parse_message(make_paste_text(1, 0, "", std::string(4096, 'x'))));
  EXPECT_EQ(
      parse_message(make_paste_text(1, 0, std::string(64, 'a'), std::string(4097, 'x'))).error(),
      parse_error::too_large);  // over the type's limit
  EXPECT_EQ(parse_message(make_paste_text(1, 0, "", std::string(4097, 'x'))).error(),
            parse_error::too_large);  // over the text limit
  EXPECT_EQ(parse_message(make_paste_text(1, 0, "t", "")).error(), parse_error::bad_size);
  EXPECT_EQ(parse_message(make_paste_text(1, 0, "t", "\xC0\xAF")).error(), parse_error::bad_value);
  EXPECT_TRUE(parse_message(make_clipboard(1, 0, "", "")));
  EXPECT_TRUE(parse_message(make_clipboard(1, 0, "t", std::string(65536, 'x'))));
  EXPECT_EQ(parse_message(make_clipboard(1, 0, "", std::string(65537, 'x'))).error(),
            parse_error::too_large);
  EXPECT_EQ(parse_message(make_clipboard(1, 0, "t", "\xED\xA0\x80")).error(),
            parse_error::bad_value);
  const auto bytes = make_paste_text(1, 0, "tech-7", "hi");  // the view below points into it
  const auto m = parse_message(bytes);
  ASSERT_TRUE(m);
  const auto t = parse_paste_text(m->payload);
  ASSERT_TRUE(t);
  EXPECT_EQ(t->from, "tech-7");
  EXPECT_EQ(t->text, "hi");
}

TEST(control, json_types_checked_like_the_others) {
  for (auto type : {control_type::control_request, control_type::access_state}) {
    EXPECT_EQ(parse_message(make_json_message(type, 1, 0, "[]")).error(), parse_error::bad_json);
    std::string big = R"({"a":")" + std::string(1024 - 8, 'x') + "\"}";
    EXPECT_TRUE(parse_message(make_json_message(type, 1, 0, big)));
    big.insert(6, "x");
    EXPECT_EQ(parse_message(make_json_message(type, 1, 0, big)).error(), parse_error::too_large);
  }
}

TEST(control, key_table_and_ids) {
  const auto names = key_code_names();
  EXPECT_EQ(names[0], "Unidentified");
  EXPECT_EQ(key_code_index("KeyA"), 1);
  EXPECT_EQ(key_code_index("Enter"), 49);
  EXPECT_FALSE(key_code_index("Unidentified"));
  EXPECT_FALSE(key_code_index("NoSuchKey"));
  for (std::size_t i = 1; i < names.size(); ++i) EXPECT_EQ(key_code_index(names[i]), i);
  EXPECT_TRUE(is_valid_technician_id("grace.hopper@example-1_x"));
  EXPECT_FALSE(is_valid_technician_id(""));
  EXPECT_FALSE(is_valid_technician_id(std::string(65, 'a')));
  EXPECT_FALSE(is_valid_technician_id("a b"));
  EXPECT_EQ(to_string(special_key::alt_tab), "alt_tab");
}

}  // namespace
}  // namespace visit::protocol
