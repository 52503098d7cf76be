// The server a client connects to, parsed from `https://HOST[:PORT][/]`.
// Thread-safety: plain value type; the functions are pure.
#pragma once
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace visit::net {

struct server_address {
  std::string host;  // DNS name or IP literal, IPv6 without brackets
  std::uint16_t port = 443;
  bool host_is_ip = false;  // an IP literal: verified against the certificate's IP SANs, no SNI

  // "host:port" as sent in the HTTP Host header ("[v6]:port" for IPv6).
  std::string authority() const;
  // "https://" + authority(), for logs.
  std::string url() const;
};

// Parses `https://HOST[:PORT][/]`. Refuses other schemes, user info, paths other than "/",
// queries, empty or malformed hosts and ports outside 1..65535; `error` then says why.
std::optional<server_address> parse_server_url(std::string_view url, std::string& error);

}  // namespace visit::net
