// Technician roles, ordered technician < senior < admin (docs/protocol.md §8.1), and the rule
// for new passwords. Header only, no dependencies: any module may use it.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace visit::server {

// 1 technician, 2 senior, 3 admin; 0 for anything else (never grants anything).
constexpr int role_rank(std::string_view role) {
  if (role == "technician") return 1;
  if (role == "senior") return 2;
  if (role == "admin") return 3;
  return 0;
}

// True when `role` is a known role at or above `needed` (a known role too).
constexpr bool role_at_least(std::string_view role, std::string_view needed) {
  int have = role_rank(role), want = role_rank(needed);
  return have > 0 && want > 0 && have >= want;
}

// New passwords (CLI, /api/me/password, /api/admin/users): 12..256 bytes of valid UTF-8.
// Login still accepts up to 1024 bytes, for accounts made before this rule.
inline constexpr std::size_t min_new_password_bytes = 12;
inline constexpr std::size_t max_new_password_bytes = 256;

// A message saying what is wrong with a new password, or nullopt when it is acceptable.
std::optional<std::string> new_password_problem(std::string_view password);

}  // namespace visit::server
