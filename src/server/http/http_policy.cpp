#include "server/http/http_policy.hpp"

#include <array>

namespace visit::server {

namespace {

constexpr std::array<std::pair<std::string_view, std::string_view>, 7> headers = {{
    {"Strict-Transport-Security", "max-age=31536000; includeSubDomains"},
    {"Content-Security-Policy", content_security_policy},
    {"X-Content-Type-Options", "nosniff"},
    {"Referrer-Policy", "no-referrer"},
    {"X-Frame-Options", "DENY"},
    {"Cross-Origin-Opener-Policy", "same-origin"},
    {"Cross-Origin-Resource-Policy", "same-origin"},
}};

std::string_view trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

char lower(char c) {
  return c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c;
}

}  // namespace

std::span<const std::pair<std::string_view, std::string_view>> security_headers() {
  return headers;
}

std::string session_cookie(std::string_view token) {
  std::string c(session_cookie_name);
  c += '=';
  c += token;
  c += "; Secure; HttpOnly; SameSite=Strict; Path=/";
  return c;
}

std::string cleared_session_cookie() {
  std::string c(session_cookie_name);
  c += "=; Secure; HttpOnly; SameSite=Strict; Path=/; Max-Age=0";
  return c;
}

std::optional<std::string_view> find_cookie(std::string_view header, std::string_view name) {
  std::optional<std::string_view> found;
  while (!header.empty()) {
    auto semi = header.find(';');
    std::string_view pair = trim(header.substr(0, semi));
    header = semi == std::string_view::npos ? std::string_view() : header.substr(semi + 1);
    auto eq = pair.find('=');
    if (eq == std::string_view::npos) continue;
    if (trim(pair.substr(0, eq)) != name) continue;
    if (found) return std::nullopt;  // twice: ambiguous, trust neither
    found = trim(pair.substr(eq + 1));
  }
  return found;
}

bool is_own_origin(std::string_view origin, std::string_view host) {
  constexpr std::string_view scheme = "https://";
  if (host.empty() || origin.size() != scheme.size() + host.size()) return false;
  if (!origin.starts_with(scheme)) return false;
  std::string_view rest = origin.substr(scheme.size());
  for (std::size_t i = 0; i < host.size(); ++i) {
    if (lower(rest[i]) != lower(host[i])) return false;
  }
  return true;
}

}  // namespace visit::server
