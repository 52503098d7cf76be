// A pinned server certificate: the SHA-256 of the leaf certificate's DER encoding.
// Thread-safety: pure functions on values.
#pragma once
#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace visit::net {

using sha256_digest = std::array<std::uint8_t, 32>;

// Parses a pin as people paste it: 64 hex digits, upper or lower case, either plain
// ("ab01…") or as colon-separated pairs ("AB:01:…"), optionally prefixed by "sha256:" (as
// visit-server prints it). Anything else (63 or 65 digits, stray colons, spaces) is refused.
std::optional<sha256_digest> parse_pin(std::string_view text);

// 64 lowercase hex digits, the form visit-server prints.
std::string to_hex(const sha256_digest& digest);

// SHA-256 of `der` (OpenSSL EVP).
sha256_digest sha256(std::span<const std::uint8_t> der);

}  // namespace visit::net
