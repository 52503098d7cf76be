// Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP): HMAC-SHA1, 30 s steps, 6
// digits, a window of one step either side, and replay refusal (a step at or before the last
// accepted one is never accepted again). Plus the base32 secrets (RFC 4648, no padding) and
// otpauth:// URIs that authenticator apps read, and the QR code of such a URI as SVG
// (libqrencode). Pure functions: no I/O, no clock of their own.
// Thread-safety: every function may run on any thread.
#pragma once
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace visit::server::totp {

inline constexpr int step_seconds = 30;
inline constexpr int digits = 6;
inline constexpr int window_steps = 1;           // accepts steps t-1, t and t+1
inline constexpr std::size_t secret_bytes = 20;  // 160 bits (RFC 4226 recommends >= 128)

// RFC 4648 base32 (A-Z 2-7) without padding.
std::string base32_encode(std::span<const std::uint8_t> bytes);
// Decodes base32, ignoring case, spaces and '=' padding; nullopt on any other character.
std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text);

// HOTP value of `counter` under `key` (RFC 4226 §5.3), `n_digits` decimal digits (6..8).
std::uint32_t hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int n_digits = digits);
// The time step of a Unix time: floor(t / 30).
std::int64_t step_of(std::int64_t unix_seconds);
// The 6-digit code of `key` at `unix_seconds`, zero-padded.
std::string code_at(std::span<const std::uint8_t> key, std::int64_t unix_seconds);

// Checks `code` (exactly 6 ASCII digits) against the steps around `unix_seconds` that are
// later than `last_step` (the last accepted step, 0 when none). Returns the matching step, to
// be stored as the new last step, or nullopt. Compares in constant time per candidate.
std::optional<std::int64_t> verify(std::span<const std::uint8_t> key, std::string_view code,
                                   std::int64_t unix_seconds, std::int64_t last_step);

// A fresh random secret (160 bits from libsodium's randombytes), base32.
std::string new_secret();

// otpauth://totp/ISSUER:ACCOUNT?secret=...&issuer=ISSUER&algorithm=SHA1&digits=6&period=30,
// with issuer and account percent-encoded.
std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32);

// The QR code of `text` (error correction M, byte mode): width x width modules, row by row,
// true = dark. Empty when libqrencode cannot encode it (too long).
struct qr_matrix {
  int width = 0;
  std::vector<bool> dark;
  bool at(int x, int y) const { return dark[static_cast<std::size_t>(y * width + x)]; }
};
qr_matrix qr_encode(std::string_view text);
// A standalone SVG of the QR code (one path, 4-module quiet zone, `module_px` per module);
// empty when `text` cannot be encoded.
std::string qr_svg(std::string_view text, int module_px = 4);

}  // namespace visit::server::totp
