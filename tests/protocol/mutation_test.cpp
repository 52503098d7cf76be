// Randomized mutation of valid messages: parsing must never crash, read out of bounds (run it
// under ASan) or accept something that breaks the documented invariants.
#include <gtest/gtest.h>

#include <random>

#include "protocol/message.hpp"
#include "tile_builder.hpp"

namespace visit::protocol {
namespace {

using namespace visit::protocol::testing;

std::vector<std::vector<std::uint8_t>> seeds() {
  std::vector<std::vector<std::uint8_t>> s;
  s.push_back(make_json_message(message_type::hello, 1, 2,
                                R"({"protocol":1,"role":"customer","name":"Ada"})"));
  s.push_back(
      make_json_message(message_type::screen_info, 2, 3, R"({"width":130,"height":70,"cell":64})"));
  s.push_back(make_frame_ack(3, 4, 1));
  s.push_back(make_cursor_position(4, 5, {10, 20, true}));
  std::vector<std::uint8_t> rgba(2 * 3 * 4, 0x11);
  s.push_back(make_cursor_shape(5, 6, 2, 3, 1, 2, rgba));
  auto a = solid_tile(0, 0, 64, 64);
  auto b = tile_record(128, 64, 2, 6, tile_encoding::raw, {0x62, 0x00, 0x00, 0x00, 0xFF, 0xFF});
  auto c = tile_record(64, 0, 64, 64, tile_encoding::palette,
                       {1, 0, 0, 0, 255, 255, 255, 0x00, 0x00, 0x00, 0xFF, 0xFF});
  std::vector<std::span<const std::uint8_t>> spans = {a, b, c};
  s.push_back(make_frame(6, 7, spans));
  return s;
}

// Checks what a successful parse promises.
void check_invariants(std::span<const std::uint8_t> msg, int width, int height) {
  auto m = parse_message(msg);
  if (!m) return;
  ASSERT_LE(m->payload.size(), max_payload_size(m->hdr.type));
  ASSERT_EQ(m->payload.data(), msg.data() + header_size);
  if (m->hdr.type != message_type::frame) return;
  auto tiles = parse_frame(m->payload, width, height);
  if (!tiles) return;
  const auto* begin = m->payload.data();
  const auto* end = begin + m->payload.size();
  for (const auto& t : *tiles) {
    ASSERT_EQ(t.x % cell_size, 0);
    ASSERT_LT(t.x, width);
    ASSERT_LT(t.y, height);
    ASSERT_EQ(t.w, std::min(cell_size, width - t.x));
    ASSERT_EQ(t.h, std::min(cell_size, height - t.y));
    ASSERT_LE(t.data.size(), max_tile_data);
    ASSERT_GE(t.encoded.data(), begin);
    ASSERT_LE(t.encoded.data() + t.encoded.size(), end);
    ASSERT_EQ(t.data.data(), t.encoded.data() + tile_header_size);
  }
}

TEST(mutation, random_mutations_never_crash) {
  std::mt19937 rng(12345);
  const auto base = seeds();
  const int sizes[][2] = {{130, 70}, {64, 64}, {1, 1}, {8192, 8192}, {200, 100}};
  for (int iter = 0; iter < 200000; ++iter) {
    auto msg = base[rng() % base.size()];
    int edits = 1 + static_cast<int>(rng() % 4);
    for (int e = 0; e < edits; ++e) {
      switch (rng() % 6) {
        case 0:  // flip a bit
          if (!msg.empty()) msg[rng() % msg.size()] ^= static_cast<std::uint8_t>(1u << (rng() % 8));
          break;
        case 1:  // overwrite a byte with an interesting value
          if (!msg.empty()) {
            static constexpr std::uint8_t values[] = {0,    1,    2,    3,    0x3F,
                                                      0x40, 0x7F, 0x80, 0xFE, 0xFF};
            msg[rng() % msg.size()] = values[rng() % std::size(values)];
          }
          break;
        case 2:  // truncate
          msg.resize(rng() % (msg.size() + 1));
          break;
        case 3:  // append junk
          for (int n = static_cast<int>(rng() % 20); n > 0; --n)
            msg.push_back(static_cast<std::uint8_t>(rng()));
          break;
        case 4:  // duplicate a slice
          if (msg.size() > 2) {
            std::size_t from = rng() % msg.size();
            std::size_t len = rng() % (msg.size() - from);
            std::vector<std::uint8_t> slice(msg.begin() + static_cast<std::ptrdiff_t>(from),
                                            msg.begin() + static_cast<std::ptrdiff_t>(from + len));
            msg.insert(msg.begin() + static_cast<std::ptrdiff_t>(rng() % msg.size()), slice.begin(),
                       slice.end());
          }
          break;
        case 5:  // clear flags and channel so the mutation reaches deeper
          if (msg.size() >= 4) msg[1] = msg[2] = msg[3] = 0;
          break;
      }
    }
    const auto& sz = sizes[rng() % std::size(sizes)];
    check_invariants(msg, sz[0], sz[1]);
    if (::testing::Test::HasFatalFailure()) return;
  }
}

TEST(mutation, random_bytes_never_crash) {
  std::mt19937 rng(777);
  for (int iter = 0; iter < 50000; ++iter) {
    std::vector<std::uint8_t> msg(rng() % 200);
    for (auto& b : msg) b = static_cast<std::uint8_t>(rng());
    if (msg.size() >= 4) {
      msg[0] = (rng() % 2) ? 0x10 : msg[0];
      msg[1] = msg[2] = msg[3] = 0;
    }
    check_invariants(msg, 1 + static_cast<int>(rng() % 300), 1 + static_cast<int>(rng() % 300));
    if (::testing::Test::HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace visit::protocol
