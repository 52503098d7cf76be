// Technician roles, ordered technician < senior < admin (docs/protocol.md §8.1), and the rule
// for new passwords. Header only, no dependencies: any module may use it.
// The role travels as technician_role; its word ("technician", "senior", "admin") appears only
// at the edges: JSON bodies, SQL (users.role, queues.min_role), the command line, log lines.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace visit::server {

// The values are the ranks: a higher role may do everything a lower one may.
enum class technician_role { technician = 1, senior = 2, admin = 3 };

constexpr std::string_view to_string(technician_role r) {
  switch (r) {
    case technician_role::technician:
      return "technician";
    case technician_role::senior:
      return "senior";
    case technician_role::admin:
      return "admin";
  }
  return "technician";
}

// The role named by `word` (exact, case-sensitive); nullopt for anything else.
constexpr std::optional<technician_role> parse_role(std::string_view word) {
  for (auto r : {technician_role::technician, technician_role::senior, technician_role::admin}) {
    if (to_string(r) == word) return r;
  }
  return std::nullopt;
}

// A role compared with a word: true when `word` is that role's word.
constexpr bool operator==(technician_role r, std::string_view word) {
  return to_string(r) == word;
}

constexpr bool role_at_least(technician_role have, technician_role needed) {
  return static_cast<int>(have) >= static_cast<int>(needed);
}

// The word forms, for callers holding words (the command line, tests):
// 1 technician, 2 senior, 3 admin; 0 for anything else (never grants anything).
constexpr int role_rank(std::string_view role) {
  auto r = parse_role(role);
  return r ? static_cast<int>(*r) : 0;
}

// True when `role` is a known role at or above `needed` (a known role too).
constexpr bool role_at_least(std::string_view role, std::string_view needed) {
  auto have = parse_role(role), want = parse_role(needed);
  return have && want && role_at_least(*have, *want);
}

// New passwords (CLI, /api/me/password, /api/admin/users): 12..256 bytes of valid UTF-8.
// Login still accepts up to 1024 bytes, for accounts made before this rule.
inline constexpr std::size_t min_new_password_bytes = 12;
inline constexpr std::size_t max_new_password_bytes = 256;

// A message saying what is wrong with a new password, or nullopt when it is acceptable.
std::optional<std::string> new_password_problem(std::string_view password);

}  // namespace visit::server
