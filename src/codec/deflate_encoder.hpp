// A fast raw-DEFLATE (RFC 1951) compressor for the small inputs of one tile, producing exactly
// the *deflate segment* of docs/protocol.md §4: one non-final block (dynamic Huffman, fixed
// Huffman or stored, whichever is smallest) followed by an empty stored block, so the output
// ends with 00 00 FF FF at a byte boundary and refers back only within itself.
//
// Why not zlib: at ~100 MB/s zlib spends ~35 us per 4 KiB tile, which alone exceeds the frame
// budget when a scroll dirties a hundred cells. This encoder does greedy matching with a single
// 4-byte hash probe (like zlib level 1 minus lazy evaluation) and builds its Huffman codes with
// an O(n) in-place algorithm; it is several times faster for similar sizes
// (docs/performance.md, F2). Any standard inflater decodes its output.
//
// Thread-safety: one instance per thread.
#pragma once
#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace visit::codec {

class deflate_encoder {
 public:
  static constexpr std::size_t max_input = 32768;  // distances never need more than one window

  // Output space compress() needs for `n` input bytes (a stored block plus the sync flush,
  // with slack for the 8-byte bit writer).
  static constexpr std::size_t bound(std::size_t n) { return n + 5 + 5 + 16; }

  deflate_encoder();

  // Compresses `in` (at most max_input bytes) into `out` (at least bound(in.size()) bytes) and
  // returns the number of bytes written. Deterministic.
  std::size_t compress(std::span<const std::uint8_t> in, std::span<std::uint8_t> out);

 private:
  static constexpr int hash_bits = 13;

  std::size_t find_matches(std::span<const std::uint8_t> in);

  // Hash table of positions offset by base_, so it needs no clearing between inputs: entries
  // below base_ belong to earlier inputs.
  std::array<std::uint32_t, 1u << hash_bits> head_{};
  std::uint32_t base_ = 1;
  // LZ77 output: a literal byte, or 0x80000000 | (length - 3) << 15 | (distance - 1).
  std::vector<std::uint32_t> items_;
  std::array<std::uint32_t, 286> litlen_freq_{};
  std::array<std::uint32_t, 30> dist_freq_{};
};

}  // namespace visit::codec
