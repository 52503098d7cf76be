// deflate_encoder: greedy LZ77 + one Huffman block + sync flush (see the header for why).
#include "codec/deflate_encoder.hpp"

#include <algorithm>
#include <bit>
#include <cassert>
#include <cstring>

namespace visit::codec {

namespace {

// --- RFC 1951 tables ------------------------------------------------------------------------
constexpr std::array<std::uint16_t, 29> length_base = {3,  4,  5,  6,   7,   8,   9,   10,  11, 13,
                                                       15, 17, 19, 23,  27,  31,  35,  43,  51, 59,
                                                       67, 83, 99, 115, 131, 163, 195, 227, 258};
constexpr std::array<std::uint8_t, 29> length_extra = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2,
                                                       2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
constexpr std::array<std::uint16_t, 30> dist_base = {
    1,   2,   3,   4,   5,   7,    9,    13,   17,   25,   33,   49,   65,    97,    129,
    193, 257, 385, 513, 769, 1025, 1537, 2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
constexpr std::array<std::uint8_t, 30> dist_extra = {0, 0, 0,  0,  1,  1,  2,  2,  3,  3,
                                                     4, 4, 5,  5,  6,  6,  7,  7,  8,  8,
                                                     9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
// The order in which code-length-code lengths are sent.
constexpr std::array<std::uint8_t, 19> clen_order = {16, 17, 18, 0, 8,  7, 9,  6, 10, 5,
                                                     11, 4,  12, 3, 13, 2, 14, 1, 15};
constexpr int end_of_block = 256;

struct code_tables {
  std::array<std::uint8_t, 256> length_code{};      // (length - 3) -> index into length_base
  std::array<std::uint8_t, 512> dist_code_small{};  // (distance - 1) < 512
  std::array<std::uint8_t, 256> dist_code_large{};  // (distance - 1) >> 7
  // The fixed Huffman code (RFC 1951 §3.2.6), bit-reversed for LSB-first output.
  std::array<std::uint16_t, 288> fixed_litlen_code{};
  std::array<std::uint8_t, 288> fixed_litlen_len{};
};

constexpr std::uint32_t reverse_bits(std::uint32_t code, int len) {
  std::uint32_t r = 0;
  for (int i = 0; i < len; ++i, code >>= 1) r = (r << 1) | (code & 1);
  return r;
}

constexpr code_tables make_tables() {
  code_tables t{};
  for (int c = 0; c < 28; ++c)
    for (int l = length_base[c]; l < length_base[c + 1]; ++l)
      t.length_code[l - 3] = static_cast<std::uint8_t>(c);
  t.length_code[255] = 28;
  for (int c = 0; c < 30; ++c) {
    for (int d = dist_base[c]; d < dist_base[c] + (1 << dist_extra[c]); ++d) {
      if (d - 1 < 512) t.dist_code_small[d - 1] = static_cast<std::uint8_t>(c);
      t.dist_code_large[(d - 1) >> 7] = static_cast<std::uint8_t>(c);
    }
  }
  // Fixed code lengths, then canonical codes.
  std::array<int, 16> count{};
  for (int s = 0; s < 288; ++s) {
    int len = s < 144 ? 8 : s < 256 ? 9 : s < 280 ? 7 : 8;
    t.fixed_litlen_len[s] = static_cast<std::uint8_t>(len);
    ++count[len];
  }
  std::array<std::uint32_t, 16> next{};
  std::uint32_t code = 0;
  for (int len = 1; len < 16; ++len) {
    code = (code + static_cast<std::uint32_t>(count[len - 1])) << 1;
    next[len] = code;
  }
  for (int s = 0; s < 288; ++s) {
    int len = t.fixed_litlen_len[s];
    t.fixed_litlen_code[s] = static_cast<std::uint16_t>(reverse_bits(next[len]++, len));
  }
  return t;
}

constexpr code_tables tables = make_tables();

inline int dist_code(std::uint32_t dist) {
  return dist <= 512 ? tables.dist_code_small[dist - 1] : tables.dist_code_large[(dist - 1) >> 7];
}

static_assert(std::endian::native == std::endian::little, "match_length assumes little-endian");

inline std::uint32_t load32(const std::uint8_t* p) {
  std::uint32_t v;
  std::memcpy(&v, p, 4);
  return v;
}
inline std::uint64_t load64(const std::uint8_t* p) {
  std::uint64_t v;
  std::memcpy(&v, p, 8);
  return v;
}

// Length of the common prefix of a and b (known to be >= 4), at most max_len: 8 bytes at a time.
inline std::size_t match_length(const std::uint8_t* a, const std::uint8_t* b, std::size_t max_len) {
  std::size_t len = 4;
  while (len + 8 <= max_len) {
    const std::uint64_t diff = load64(a + len) ^ load64(b + len);
    if (diff) return len + static_cast<std::size_t>(__builtin_ctzll(diff)) / 8;
    len += 8;
  }
  while (len < max_len && a[len] == b[len]) ++len;
  return len;
}

// LSB-first bit output (RFC 1951 §3.1.1). put() takes at most 32 bits at a time.
class bit_writer {
 public:
  explicit bit_writer(std::uint8_t* out) : out_(out) {}
  void put(std::uint32_t bits, int n) {
    acc_ |= std::uint64_t{bits} << count_;
    count_ += n;
    if (count_ >= 32) {
      auto low = static_cast<std::uint32_t>(acc_);
      std::memcpy(out_ + pos_, &low, 4);
      pos_ += 4;
      acc_ >>= 32;
      count_ -= 32;
    }
  }
  // Pads with zero bits to a byte boundary and writes out everything pending.
  void align() {
    while (count_ > 0) {
      out_[pos_++] = static_cast<std::uint8_t>(acc_);
      acc_ >>= 8;
      count_ -= 8;
    }
    acc_ = 0;
    count_ = 0;
  }
  void bytes(const std::uint8_t* p, std::size_t n) {  // only when aligned
    std::memcpy(out_ + pos_, p, n);
    pos_ += n;
  }
  std::size_t size() const { return pos_; }

 private:
  std::uint8_t* out_;
  std::size_t pos_ = 0;
  std::uint64_t acc_ = 0;
  int count_ = 0;
};

// In-place minimum-redundancy code lengths (Moffat & Katajainen, 1995). `a` holds n >= 2
// weights in non-decreasing order; on return a[i] is the code length of the i-th weight.
void huffman_lengths_in_place(std::uint32_t* a, int n) {
  // Phase 1: combine, leaving parent indices in the internal nodes.
  a[0] += a[1];
  int root = 0, leaf = 2;
  for (int next = 1; next < n - 1; ++next) {
    if (leaf >= n || a[root] < a[leaf]) {
      a[next] = a[root];
      a[root++] = static_cast<std::uint32_t>(next);
    } else {
      a[next] = a[leaf++];
    }
    if (leaf >= n || (root < next && a[root] < a[leaf])) {
      a[next] += a[root];
      a[root++] = static_cast<std::uint32_t>(next);
    } else {
      a[next] += a[leaf++];
    }
  }
  // Phase 2: depths of the internal nodes.
  a[n - 2] = 0;
  for (int next = n - 3; next >= 0; --next) a[next] = a[a[next]] + 1;
  // Phase 3: depths of the leaves.
  int available = 1, used = 0, depth = 0, next = n - 1;
  root = n - 2;
  while (available > 0) {
    while (root >= 0 && static_cast<int>(a[root]) == depth) {
      ++used;
      --root;
    }
    while (available > used) {
      a[next--] = static_cast<std::uint32_t>(depth);
      --available;
    }
    available = 2 * used;
    ++depth;
    used = 0;
  }
}

// Code lengths (<= limit) for `n` <= 288 symbols of frequencies `freq` (each < 2^16). Always a
// complete code with at least two symbols (inflaters refuse incomplete ones; symbols 0 and 1
// stand in if needed). Deterministic: ties keep symbol order.
void build_lengths(const std::uint32_t* freq, int n, int limit, std::uint8_t* lengths) {
  // Stable LSD radix sort of the used symbols by frequency, two 8-bit digits: cheaper than a
  // comparison sort for the ~150 symbols of a tile.
  std::array<std::uint16_t, 288> syms, tmp;
  int used = 0;
  for (int s = 0; s < n; ++s)
    if (freq[s]) tmp[used++] = static_cast<std::uint16_t>(s);
  std::array<std::uint32_t, 288> f{};  // frequencies as sorted, stand-ins counted as 1
  for (int s = 0; used < 2; ++s)
    if (!freq[s]) tmp[used++] = static_cast<std::uint16_t>(s);
  auto weight = [&](std::uint16_t s) { return std::max<std::uint32_t>(1, freq[s]); };
  for (int shift : {0, 8}) {
    std::array<std::uint16_t, 257> start{};
    for (int i = 0; i < used; ++i) ++start[((weight(tmp[i]) >> shift) & 255) + 1];
    for (int d = 0; d < 256; ++d)
      start[d + 1] = static_cast<std::uint16_t>(start[d + 1] + start[d]);
    for (int i = 0; i < used; ++i) syms[start[(weight(tmp[i]) >> shift) & 255]++] = tmp[i];
    if (shift == 0) std::copy_n(syms.begin(), used, tmp.begin());
  }
  for (int i = 0; i < used; ++i) f[i] = weight(syms[i]);

  std::fill(lengths, lengths + n, 0);
  std::array<std::uint32_t, 288> a;
  // A Huffman code deeper than `limit` needs skewed (Fibonacci-like) frequencies; flattening
  // them (keeping their order, so no re-sort) until it fits is simple and near optimal.
  for (int shift = 0;; ++shift) {
    for (int i = 0; i < used; ++i) a[i] = std::max<std::uint32_t>(1, f[i] >> shift);
    huffman_lengths_in_place(a.data(), used);
    if (static_cast<int>(a[0]) <= limit) break;
  }
  for (int i = 0; i < used; ++i) lengths[syms[i]] = static_cast<std::uint8_t>(a[i]);
}

constexpr std::array<std::uint8_t, 256> make_byte_reversal() {
  std::array<std::uint8_t, 256> r{};
  for (std::uint32_t b = 0; b < 256; ++b) r[b] = static_cast<std::uint8_t>(reverse_bits(b, 8));
  return r;
}
constexpr std::array<std::uint8_t, 256> byte_reversal = make_byte_reversal();

// Canonical codes, bit-reversed for LSB-first output.
void build_codes(const std::uint8_t* lengths, int n, std::uint16_t* codes) {
  std::array<std::uint32_t, 16> count{}, next{};
  for (int s = 0; s < n; ++s) ++count[lengths[s]];
  count[0] = 0;
  std::uint32_t code = 0;
  for (int len = 1; len < 16; ++len) {
    code = (code + count[len - 1]) << 1;
    next[len] = code;
  }
  for (int s = 0; s < n; ++s) {
    if (!lengths[s]) continue;
    const std::uint32_t c = next[lengths[s]]++;
    const std::uint32_t reversed16 =
        std::uint32_t{byte_reversal[c & 255]} << 8 | byte_reversal[c >> 8];
    codes[s] = static_cast<std::uint16_t>(reversed16 >> (16 - lengths[s]));
  }
}

}  // namespace

deflate_encoder::deflate_encoder() : items_(max_input) {}

std::size_t deflate_encoder::find_matches(std::span<const std::uint8_t> in) {
  const std::uint8_t* p = in.data();
  const std::size_t n = in.size();
  items_.clear();
  litlen_freq_.fill(0);
  dist_freq_.fill(0);
  if (base_ > 0xFFFFFFFFu - 2 * max_input) {  // positions would wrap: forget them all
    head_.fill(0);
    base_ = 1;
  }
  std::uint32_t* items = items_.data();
  std::size_t count = 0;
  std::size_t i = 0;
  while (i + 4 <= n) {
    const std::uint32_t v = load32(p + i);
    const std::uint32_t h = (v * 0x9E3779B1u) >> (32 - hash_bits);
    const std::uint32_t cand = head_[h];
    head_[h] = base_ + static_cast<std::uint32_t>(i);
    if (cand >= base_) {
      const std::size_t c = cand - base_;
      if (load32(p + c) == v) {
        const std::size_t len = match_length(p + c, p + i, std::min<std::size_t>(258, n - i));
        const auto dist = static_cast<std::uint32_t>(i - c);
        items[count++] = 0x80000000u | static_cast<std::uint32_t>(len - 3) << 15 | (dist - 1);
        ++litlen_freq_[257 + tables.length_code[len - 3]];
        ++dist_freq_[dist_code(dist)];
        // One more entry near the end of the match helps the next repetition of a pattern.
        if (len >= 8 && i + len + 4 <= n) {
          const std::size_t j = i + len - 1;
          head_[(load32(p + j) * 0x9E3779B1u) >> (32 - hash_bits)] =
              base_ + static_cast<std::uint32_t>(j);
        }
        i += len;
        continue;
      }
    }
    items[count++] = p[i];
    ++litlen_freq_[p[i]];
    ++i;
  }
  for (; i < n; ++i) {
    items[count++] = p[i];
    ++litlen_freq_[p[i]];
  }
  ++litlen_freq_[end_of_block];
  base_ += static_cast<std::uint32_t>(n);
  return count;
}

std::size_t deflate_encoder::compress(std::span<const std::uint8_t> in,
                                      std::span<std::uint8_t> out) {
  assert(in.size() <= max_input && out.size() >= bound(in.size()));
  (void)out;
  const std::size_t n = in.size();
  const std::size_t count = n ? find_matches(in) : 0;
  bit_writer w(out.data());

  if (n > 0) {
    // Extra bits cost the same in fixed and dynamic blocks.
    std::uint64_t extra_bits = 0;
    for (int c = 0; c < 29; ++c)
      extra_bits += std::uint64_t{litlen_freq_[257 + c]} * length_extra[c];
    for (int c = 0; c < 30; ++c) extra_bits += std::uint64_t{dist_freq_[c]} * dist_extra[c];

    // Dynamic Huffman code and its header.
    std::array<std::uint8_t, 286> lit_len{};
    std::array<std::uint8_t, 30> dist_len{};
    build_lengths(litlen_freq_.data(), 286, 15, lit_len.data());
    build_lengths(dist_freq_.data(), 30, 15, dist_len.data());
    int hlit = 286, hdist = 30;
    while (hlit > 257 && lit_len[hlit - 1] == 0) --hlit;
    while (hdist > 1 && dist_len[hdist - 1] == 0) --hdist;

    // Run-length code the code lengths (symbols 16, 17, 18 repeat).
    std::array<std::uint8_t, 316> all_len;
    std::copy_n(lit_len.begin(), hlit, all_len.begin());
    std::copy_n(dist_len.begin(), hdist, all_len.begin() + hlit);
    const int total = hlit + hdist;
    std::array<std::uint16_t, 316> rle;  // symbol | extra value << 5
    int rle_count = 0;
    std::array<std::uint32_t, 19> clen_freq{};
    auto emit = [&](int sym, int extra) {
      rle[rle_count++] = static_cast<std::uint16_t>(sym | extra << 5);
      ++clen_freq[sym];
    };
    for (int i = 0; i < total;) {
      const int cur = all_len[i];
      int run = 1;
      while (i + run < total && all_len[i + run] == cur) ++run;
      i += run;
      if (cur == 0) {
        while (run >= 11) {
          int r = std::min(run, 138);
          emit(18, r - 11);
          run -= r;
        }
        if (run >= 3) {
          emit(17, run - 3);
          run = 0;
        }
      } else {
        emit(cur, 0);
        --run;
        while (run >= 3) {
          int r = std::min(run, 6);
          emit(16, r - 3);
          run -= r;
        }
      }
      while (run-- > 0) emit(cur, 0);
    }
    std::array<std::uint8_t, 19> clen_len{};
    build_lengths(clen_freq.data(), 19, 7, clen_len.data());
    int hclen = 19;
    while (hclen > 4 && clen_len[clen_order[hclen - 1]] == 0) --hclen;

    std::uint64_t dynamic_bits = 3 + 5 + 5 + 4 + 3 * static_cast<std::uint64_t>(hclen) + extra_bits;
    for (int s = 0; s < 19; ++s) dynamic_bits += std::uint64_t{clen_freq[s]} * clen_len[s];
    dynamic_bits += std::uint64_t{clen_freq[16]} * 2 + std::uint64_t{clen_freq[17]} * 3 +
                    std::uint64_t{clen_freq[18]} * 7;
    std::uint64_t fixed_bits = 3 + extra_bits;
    for (int s = 0; s < 286; ++s) {
      dynamic_bits += std::uint64_t{litlen_freq_[s]} * lit_len[s];
      fixed_bits += std::uint64_t{litlen_freq_[s]} * tables.fixed_litlen_len[s];
    }
    for (int c = 0; c < 30; ++c) {
      dynamic_bits += std::uint64_t{dist_freq_[c]} * dist_len[c];
      fixed_bits += std::uint64_t{dist_freq_[c]} * 5;
    }
    const std::uint64_t stored_bits = 8 * (5 + static_cast<std::uint64_t>(n));

    if (stored_bits <= dynamic_bits && stored_bits <= fixed_bits) {
      w.put(0, 3);  // BFINAL 0, BTYPE 00
      w.align();
      const std::uint8_t lens[4] = {static_cast<std::uint8_t>(n), static_cast<std::uint8_t>(n >> 8),
                                    static_cast<std::uint8_t>(~n),
                                    static_cast<std::uint8_t>(~n >> 8)};
      w.bytes(lens, 4);
      w.bytes(in.data(), n);
    } else {
      std::array<std::uint16_t, 288> lit_code{};
      std::array<std::uint8_t, 288> lit_bits{};
      std::array<std::uint16_t, 30> dist_code_bits{};
      std::array<std::uint8_t, 30> dist_bits{};
      if (dynamic_bits < fixed_bits) {
        w.put(0b100, 3);  // BFINAL 0, BTYPE 10 (dynamic)
        w.put(static_cast<std::uint32_t>(hlit - 257), 5);
        w.put(static_cast<std::uint32_t>(hdist - 1), 5);
        w.put(static_cast<std::uint32_t>(hclen - 4), 4);
        for (int i = 0; i < hclen; ++i) w.put(clen_len[clen_order[i]], 3);
        std::array<std::uint16_t, 19> clen_code{};
        build_codes(clen_len.data(), 19, clen_code.data());
        static constexpr int repeat_extra[3] = {2, 3, 7};
        for (int i = 0; i < rle_count; ++i) {
          const int sym = rle[i] & 31;
          w.put(clen_code[sym], clen_len[sym]);
          if (sym >= 16) w.put(static_cast<std::uint32_t>(rle[i] >> 5), repeat_extra[sym - 16]);
        }
        std::copy_n(lit_len.begin(), 286, lit_bits.begin());
        build_codes(lit_bits.data(), 286, lit_code.data());
        std::copy_n(dist_len.begin(), 30, dist_bits.begin());
        build_codes(dist_bits.data(), 30, dist_code_bits.data());
      } else {
        w.put(0b010, 3);  // BFINAL 0, BTYPE 01 (fixed)
        lit_code = tables.fixed_litlen_code;
        lit_bits = tables.fixed_litlen_len;
        for (int c = 0; c < 30; ++c) {
          dist_code_bits[c] =
              static_cast<std::uint16_t>(reverse_bits(static_cast<std::uint32_t>(c), 5));
          dist_bits[c] = 5;
        }
      }
      for (std::size_t k = 0; k < count; ++k) {
        const std::uint32_t item = items_[k];
        if (!(item & 0x80000000u)) {
          w.put(lit_code[item], lit_bits[item]);
          continue;
        }
        const std::uint32_t len3 = (item >> 15) & 0xFF;
        const std::uint32_t dist = (item & 0x7FFF) + 1;
        const int lc = tables.length_code[len3];
        w.put(lit_code[257 + lc] | ((len3 + 3 - length_base[lc]) << lit_bits[257 + lc]),
              lit_bits[257 + lc] + length_extra[lc]);
        const int dc = dist_code(dist);
        w.put(dist_code_bits[dc] | ((dist - dist_base[dc]) << dist_bits[dc]),
              dist_bits[dc] + dist_extra[dc]);
      }
      w.put(lit_code[end_of_block], lit_bits[end_of_block]);
    }
  }
  // Sync flush: an empty stored block, which ends the segment with 00 00 FF FF.
  w.put(0, 3);
  w.align();
  static constexpr std::uint8_t empty_stored[4] = {0x00, 0x00, 0xFF, 0xFF};
  w.bytes(empty_stored, 4);
  return w.size();
}

}  // namespace visit::codec
