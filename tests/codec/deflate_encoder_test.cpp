// deflate_encoder: its segments inflate (with zlib, as browsers do) to exactly the input, alone
// and concatenated + 03 00 as the console inflates a frame.
#include "codec/deflate_encoder.hpp"

#include <gtest/gtest.h>
#include <zlib.h>

#include <random>

namespace visit::codec {
namespace {

// Inflates a raw DEFLATE stream that must end (final block) with exactly `expected` bytes.
std::vector<std::uint8_t> inflate_all(const std::vector<std::uint8_t>& stream, std::size_t expected,
                                      bool& ok) {
  z_stream zs{};
  inflateInit2(&zs, -15);
  std::vector<std::uint8_t> out(expected + 1);
  zs.next_in = const_cast<std::uint8_t*>(stream.data());
  zs.avail_in = static_cast<uInt>(stream.size());
  zs.next_out = out.data();
  zs.avail_out = static_cast<uInt>(out.size());
  int rc = inflate(&zs, Z_FINISH);
  ok = rc == Z_STREAM_END && zs.avail_in == 0 && zs.total_out == expected;
  out.resize(zs.total_out);
  inflateEnd(&zs);
  return out;
}

std::vector<std::uint8_t> compress(deflate_encoder& enc, const std::vector<std::uint8_t>& in) {
  std::vector<std::uint8_t> out(deflate_encoder::bound(in.size()));
  out.resize(enc.compress(in, out));
  return out;
}

void expect_round_trip(deflate_encoder& enc, const std::vector<std::uint8_t>& in) {
  auto seg = compress(enc, in);
  ASSERT_GE(seg.size(), 5u);
  EXPECT_TRUE(
      std::equal(seg.end() - 4, seg.end(), std::vector<std::uint8_t>{0, 0, 0xFF, 0xFF}.begin()));
  EXPECT_LE(seg.size(), in.size() + 10);
  auto stream = seg;
  stream.push_back(0x03);
  stream.push_back(0x00);
  bool ok = false;
  auto back = inflate_all(stream, in.size(), ok);
  ASSERT_TRUE(ok) << "size " << in.size();
  EXPECT_EQ(back, in);
}

std::vector<std::uint8_t> make_input(std::mt19937& rng, std::size_t n, int kind) {
  std::vector<std::uint8_t> v(n);
  switch (kind) {
    case 0:  // noise: stored block
      for (auto& b : v) b = static_cast<std::uint8_t>(rng());
      break;
    case 1:  // runs
      for (std::size_t i = 0; i < n;) {
        auto b = static_cast<std::uint8_t>(rng() % 4);
        for (std::size_t r = 1 + rng() % 300; r > 0 && i < n; --r) v[i++] = b;
      }
      break;
    case 2:  // text-like: repeated words
      for (std::size_t i = 0; i < n; ++i)
        v[i] = static_cast<std::uint8_t>(rng() % 7 == 0 ? ' ' : 'a' + (i * 7 + rng() % 3) % 26);
      break;
    case 3: {  // Fibonacci-skewed symbols: forces the 15-bit length limit
      std::uint32_t fib[24] = {1, 1};
      for (int i = 2; i < 24; ++i) fib[i] = fib[i - 1] + fib[i - 2];
      std::size_t i = 0;
      for (int s = 23; s >= 0 && i < n; --s)
        for (std::uint32_t k = 0; k < fib[s] && i < n; ++k)
          v[i++] = static_cast<std::uint8_t>(s * 11);
      std::shuffle(v.begin(), v.end(), rng);
      break;
    }
    case 4:  // period-3 (RGB) patterns with noise
      for (std::size_t i = 0; i < n; ++i)
        v[i] = rng() % 50 == 0 ? static_cast<std::uint8_t>(rng())
                               : static_cast<std::uint8_t>(i % 3 * 40);
      break;
  }
  return v;
}

TEST(deflate_encoder, round_trips_many_shapes_and_sizes) {
  std::mt19937 rng(4242);
  deflate_encoder enc;
  for (std::size_t n :
       {0, 1, 2, 3, 4, 5, 7, 8, 9, 16, 63, 100, 258, 259, 1000, 4096, 12288, 32768}) {
    for (int kind = 0; kind < 5; ++kind) expect_round_trip(enc, make_input(rng, n, kind));
  }
  for (int iter = 0; iter < 300; ++iter) {
    expect_round_trip(enc, make_input(rng, rng() % 12289, static_cast<int>(rng() % 5)));
  }
}

TEST(deflate_encoder, concatenated_segments_form_one_stream) {
  std::mt19937 rng(7);
  deflate_encoder enc;
  std::vector<std::uint8_t> stream, expected;
  for (int t = 0; t < 40; ++t) {
    auto in = make_input(rng, rng() % 5000, static_cast<int>(rng() % 5));
    auto seg = compress(enc, in);
    stream.insert(stream.end(), seg.begin(), seg.end());
    expected.insert(expected.end(), in.begin(), in.end());
  }
  stream.push_back(0x03);
  stream.push_back(0x00);
  bool ok = false;
  EXPECT_EQ(inflate_all(stream, expected.size(), ok), expected);
  EXPECT_TRUE(ok);
}

TEST(deflate_encoder, compresses_screen_like_data) {
  std::mt19937 rng(1);
  deflate_encoder enc;
  auto runs = make_input(rng, 4096, 1);
  EXPECT_LT(compress(enc, runs).size(), 400u);
  std::vector<std::uint8_t> zeros(12288, 0);
  EXPECT_LT(compress(enc, zeros).size(), 120u);
  auto noise = make_input(rng, 12288, 0);
  EXPECT_EQ(compress(enc, noise).size(), 12288u + 10);  // stored + sync flush
}

TEST(deflate_encoder, deterministic_and_independent_of_history) {
  std::mt19937 rng(3);
  auto a = make_input(rng, 3000, 2);
  auto b = make_input(rng, 3000, 2);
  deflate_encoder fresh, used;
  (void)compress(used, b);
  (void)compress(used, a);
  EXPECT_EQ(compress(fresh, a), compress(used, a));
}

}  // namespace
}  // namespace visit::codec
