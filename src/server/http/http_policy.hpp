// Fixed HTTP policy: security headers sent on every response (docs/security.md), the login
// cookie, and the server's own origin for Origin checks. Pure functions, no I/O.
#pragma once
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>

namespace visit::server {

inline constexpr std::string_view session_cookie_name = "__Host-visit_session";

inline constexpr std::string_view content_security_policy =
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'";

// Headers for every response, WebSocket upgrades included: Strict-Transport-Security,
// Content-Security-Policy, X-Content-Type-Options, Referrer-Policy, X-Frame-Options,
// Cross-Origin-Opener-Policy, Cross-Origin-Resource-Policy.
std::span<const std::pair<std::string_view, std::string_view>> security_headers();

// The Set-Cookie value that installs a login token, and the one that clears it.
std::string session_cookie(std::string_view token);
std::string cleared_session_cookie();

// The value of cookie `name` in a Cookie header ("a=1; b=2"), if present once.
std::optional<std::string_view> find_cookie(std::string_view cookie_header, std::string_view name);

// True when `origin` is the server's own origin as a browser sends it for a page loaded from
// this server: "https://" + the Host header (compared without regard to ASCII case). Missing
// ("") and "null" origins are never ours.
bool is_own_origin(std::string_view origin, std::string_view host);

}  // namespace visit::server
