#include "net/server_address.hpp"

#include <arpa/inet.h>

#include <algorithm>
#include <cctype>
#include <charconv>

namespace visit::net {
namespace {

bool is_ipv4(const std::string& s) {
  in_addr a{};
  return inet_pton(AF_INET, s.c_str(), &a) == 1;
}

bool is_ipv6(const std::string& s) {
  in6_addr a{};
  return inet_pton(AF_INET6, s.c_str(), &a) == 1;
}

// A DNS name: labels of letters, digits and hyphens, 1..63 bytes each, 253 in all.
bool is_dns_name(std::string_view s) {
  if (s.empty() || s.size() > 253) return false;
  if (s.back() == '.') s.remove_suffix(1);
  std::size_t label = 0;
  for (std::size_t i = 0; i <= s.size(); ++i) {
    if (i == s.size() || s[i] == '.') {
      if (label == 0 || label > 63) return false;
      if (s[i - 1] == '-' || s[i - label] == '-') return false;
      label = 0;
      continue;
    }
    const auto c = static_cast<unsigned char>(s[i]);
    if (!std::isalnum(c) && c != '-') return false;
    ++label;
  }
  return true;
}

}  // namespace

std::string server_address::authority() const {
  const bool v6 = host.find(':') != std::string::npos;
  return (v6 ? "[" + host + "]" : host) + ":" + std::to_string(port);
}

std::string server_address::url() const {
  return "https://" + authority();
}

std::optional<server_address> parse_server_url(std::string_view url, std::string& error) {
  constexpr std::string_view scheme = "https://";
  if (url.size() < scheme.size() ||
      !std::equal(scheme.begin(), scheme.end(), url.begin(), [](char a, char b) {
        return a == std::tolower(static_cast<unsigned char>(b));
      })) {
    error = "the server URL must start with https://";
    return std::nullopt;
  }
  std::string_view rest = url.substr(scheme.size());
  if (const auto slash = rest.find('/'); slash != std::string_view::npos) {
    if (rest.substr(slash) != "/") {
      error = "the server URL must not have a path, query or fragment";
      return std::nullopt;
    }
    rest = rest.substr(0, slash);
  }
  if (rest.find_first_of("@?#") != std::string_view::npos) {
    error = "the server URL must not have user info, a query or a fragment";
    return std::nullopt;
  }

  server_address out;
  std::string_view port_text;
  if (!rest.empty() && rest.front() == '[') {
    const auto close = rest.find(']');
    if (close == std::string_view::npos) {
      error = "unterminated [IPv6] host in the server URL";
      return std::nullopt;
    }
    out.host = std::string(rest.substr(1, close - 1));
    if (!is_ipv6(out.host)) {
      error = "invalid IPv6 address in the server URL";
      return std::nullopt;
    }
    out.host_is_ip = true;
    rest = rest.substr(close + 1);
    if (!rest.empty()) {
      if (rest.front() != ':') {
        error = "unexpected text after ] in the server URL";
        return std::nullopt;
      }
      port_text = rest.substr(1);
      if (port_text.empty()) {
        error = "empty port in the server URL";
        return std::nullopt;
      }
    }
  } else {
    const auto colon = rest.rfind(':');
    if (colon != std::string_view::npos) {
      port_text = rest.substr(colon + 1);
      rest = rest.substr(0, colon);
      if (port_text.empty()) {
        error = "empty port in the server URL";
        return std::nullopt;
      }
    }
    out.host = std::string(rest);
    std::transform(out.host.begin(), out.host.end(), out.host.begin(), [](char c) {
      return static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    });
    if (is_ipv4(out.host)) {
      out.host_is_ip = true;
    } else if (!is_dns_name(out.host)) {
      error = "invalid host name in the server URL";
      return std::nullopt;
    }
  }
  if (!port_text.empty()) {
    unsigned port = 0;
    const auto [end, ec] =
        std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
    if (ec != std::errc{} || end != port_text.data() + port_text.size() || port == 0 ||
        port > 65535) {
      error = "invalid port in the server URL";
      return std::nullopt;
    }
    out.port = static_cast<std::uint16_t>(port);
  }
  return out;
}

}  // namespace visit::net
