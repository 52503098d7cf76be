#include "net/certificate_pin.hpp"

#include <openssl/evp.h>

namespace visit::net {
namespace {

int hex_value(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool starts_with_ci(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    char c = s[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != prefix[i]) return false;
  }
  return true;
}

}  // namespace

std::optional<sha256_digest> parse_pin(std::string_view text) {
  if (starts_with_ci(text, "sha256:")) text.remove_prefix(7);
  sha256_digest out{};
  const bool paired = text.size() == 32 * 3 - 1;
  if (text.size() != 64 && !paired) return std::nullopt;
  std::size_t pos = 0;
  for (std::size_t i = 0; i < out.size(); ++i) {
    if (paired && i > 0) {
      if (text[pos] != ':') return std::nullopt;
      ++pos;
    }
    const int hi = hex_value(text[pos]);
    const int lo = hex_value(text[pos + 1]);
    if (hi < 0 || lo < 0) return std::nullopt;
    out[i] = static_cast<std::uint8_t>(hi << 4 | lo);
    pos += 2;
  }
  return out;
}

std::string to_hex(const sha256_digest& digest) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string out;
  out.reserve(digest.size() * 2);
  for (const auto b : digest) {
    out.push_back(digits[b >> 4]);
    out.push_back(digits[b & 0x0f]);
  }
  return out;
}

sha256_digest sha256(std::span<const std::uint8_t> der) {
  sha256_digest out{};
  unsigned int len = 0;
  // EVP_Digest with a fetched-by-name SHA-256 cannot fail for in-memory input short of
  // allocation failure; a zero digest then simply matches no pin.
  if (EVP_Digest(der.data(), der.size(), out.data(), &len, EVP_sha256(), nullptr) != 1 ||
      len != out.size()) {
    out.fill(0);
  }
  return out;
}

}  // namespace visit::net
