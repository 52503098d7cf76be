#include "server/auth/totp.hpp"

#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <qrencode.h>
#include <sodium.h>

#include <array>

namespace visit::server::totp {

namespace {
constexpr char alphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

std::string percent_encode(std::string_view s) {
  static const char* hex = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : s) {
    bool plain = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                 c == '-' || c == '.' || c == '_' || c == '~';
    if (plain) {
      out += static_cast<char>(c);
    } else {
      out += '%';
      out += hex[c >> 4];
      out += hex[c & 15];
    }
  }
  return out;
}
}  // namespace

std::string base32_encode(std::span<const std::uint8_t> bytes) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (std::uint8_t b : bytes) {
    buffer = (buffer << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += alphabet[(buffer >> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += alphabet[(buffer << (5 - bits)) & 31];
  return out;
}

std::optional<std::vector<std::uint8_t>> base32_decode(std::string_view text) {
  std::vector<std::uint8_t> out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (char c : text) {
    int v;
    if (c >= 'A' && c <= 'Z') {
      v = c - 'A';
    } else if (c >= 'a' && c <= 'z') {
      v = c - 'a';
    } else if (c >= '2' && c <= '7') {
      v = c - '2' + 26;
    } else if (c == ' ' || c == '=') {
      continue;
    } else {
      return std::nullopt;
    }
    buffer = (buffer << 5) | static_cast<std::uint32_t>(v);
    bits += 5;
    if (bits >= 8) {
      out.push_back(static_cast<std::uint8_t>((buffer >> (bits - 8)) & 0xff));
      bits -= 8;
    }
  }
  return out;
}

std::uint32_t hotp(std::span<const std::uint8_t> key, std::uint64_t counter, int n_digits) {
  std::array<std::uint8_t, 8> msg{};
  for (int i = 7; i >= 0; --i) {
    msg[static_cast<std::size_t>(i)] = static_cast<std::uint8_t>(counter & 0xff);
    counter >>= 8;
  }
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!HMAC(EVP_sha1(), key.data(), static_cast<int>(key.size()), msg.data(), msg.size(), mac,
            &len) ||
      len < 20) {
    return 0xffffffffu;  // never a valid code: verify() compares decimal strings
  }
  unsigned offset = mac[len - 1] & 0x0f;
  std::uint32_t bin = (static_cast<std::uint32_t>(mac[offset] & 0x7f) << 24) |
                      (static_cast<std::uint32_t>(mac[offset + 1]) << 16) |
                      (static_cast<std::uint32_t>(mac[offset + 2]) << 8) |
                      static_cast<std::uint32_t>(mac[offset + 3]);
  std::uint32_t mod = 1;
  for (int i = 0; i < n_digits; ++i) mod *= 10;
  return bin % mod;
}

std::int64_t step_of(std::int64_t unix_seconds) {
  return unix_seconds >= 0 ? unix_seconds / step_seconds
                           : -((-unix_seconds + step_seconds - 1) / step_seconds);
}

namespace {
std::string padded(std::uint32_t v) {
  std::string s = std::to_string(v);
  if (s.size() < static_cast<std::size_t>(digits)) s.insert(0, digits - s.size(), '0');
  return s;
}
}  // namespace

std::string code_at(std::span<const std::uint8_t> key, std::int64_t unix_seconds) {
  return padded(hotp(key, static_cast<std::uint64_t>(step_of(unix_seconds))));
}

std::optional<std::int64_t> verify(std::span<const std::uint8_t> key, std::string_view code,
                                   std::int64_t unix_seconds, std::int64_t last_step) {
  if (code.size() != static_cast<std::size_t>(digits) || key.empty()) return std::nullopt;
  for (char c : code) {
    if (c < '0' || c > '9') return std::nullopt;
  }
  std::int64_t now = step_of(unix_seconds);
  std::optional<std::int64_t> match;
  for (std::int64_t s = now - window_steps; s <= now + window_steps; ++s) {
    if (s <= last_step || s < 0) continue;
    std::string expected = padded(hotp(key, static_cast<std::uint64_t>(s)));
    if (sodium_memcmp(expected.data(), code.data(), expected.size()) == 0 && !match) match = s;
  }
  return match;
}

std::string new_secret() {
  std::array<std::uint8_t, secret_bytes> raw{};
  randombytes_buf(raw.data(), raw.size());
  std::string s = base32_encode(raw);
  sodium_memzero(raw.data(), raw.size());
  return s;
}

std::string otpauth_uri(std::string_view issuer, std::string_view account,
                        std::string_view secret_base32) {
  std::string i = percent_encode(issuer);
  return "otpauth://totp/" + i + ":" + percent_encode(account) +
         "?secret=" + std::string(secret_base32) + "&issuer=" + i +
         "&algorithm=SHA1&digits=6&period=30";
}

qr_matrix qr_encode(std::string_view text) {
  qr_matrix m;
  std::string copy(text);  // libqrencode wants a NUL-terminated string
  QRcode* q = QRcode_encodeString8bit(copy.c_str(), 0, QR_ECLEVEL_M);
  if (!q) return m;
  m.width = q->width;
  m.dark.resize(static_cast<std::size_t>(q->width) * static_cast<std::size_t>(q->width));
  for (std::size_t i = 0; i < m.dark.size(); ++i) m.dark[i] = (q->data[i] & 1) != 0;
  QRcode_free(q);
  return m;
}

std::string qr_svg(std::string_view text, int module_px) {
  qr_matrix m = qr_encode(text);
  if (m.width == 0) return {};
  constexpr int quiet = 4;
  int size = m.width + 2 * quiet;
  std::string px = std::to_string(size * module_px);
  std::string svg = "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" + px + "\" height=\"" +
                    px + "\" viewBox=\"0 0 " + std::to_string(size) + " " + std::to_string(size) +
                    "\" shape-rendering=\"crispEdges\"><rect width=\"100%\" height=\"100%\" "
                    "fill=\"#fff\"/><path fill=\"#000\" d=\"";
  for (int y = 0; y < m.width; ++y) {
    for (int x = 0; x < m.width;) {
      if (!m.at(x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < m.width && m.at(x + run, y)) ++run;
      svg += "M" + std::to_string(x + quiet) + " " + std::to_string(y + quiet) + "h" +
             std::to_string(run) + "v1h-" + std::to_string(run) + "z";
      x += run;
    }
  }
  svg += "\"/></svg>";
  return svg;
}

}  // namespace visit::server::totp
