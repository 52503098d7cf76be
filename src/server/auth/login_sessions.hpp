// Technicians' login sessions, in memory (docs/security.md, "Login sessions").
// The cookie carries a random 256-bit token; only its SHA-256 (the session `key`) is kept, so
// a memory dump does not yield usable cookies. A session ends 30 minutes after its last use
// (idle) and 12 hours after login (absolute), whichever comes first.
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "server/auth/roles.hpp"
#include "server/steady_clock_fn.hpp"

namespace visit::server {

class login_sessions {
 public:
  struct session {
    std::string key;  // SHA-256 of the token, hex: names the session in logs and registries
    std::int64_t user_id = 0;
    std::string username;
    technician_role role = technician_role::technician;
    std::string csrf;  // 256-bit random hex, sent as X-CSRF-Token on state changes
  };
  struct created {
    std::string token;  // goes into the cookie; not kept
    session s;
  };

  login_sessions(steady_clock_fn clock, std::chrono::seconds idle = std::chrono::minutes(30),
                 std::chrono::seconds absolute = std::chrono::hours(12),
                 std::size_t max_sessions = 10000);

  // A new session. When max_sessions are live, the least recently used one is dropped.
  created create(std::int64_t user_id, std::string_view username, technician_role role);
  // The word form (tests); throws std::invalid_argument for a word that is not a role.
  created create(std::int64_t user_id, std::string_view username, std::string_view role_word);

  // The live session of `token` (the cookie value), refreshing its idle timer; nullopt when
  // the token is malformed, unknown or expired (an expired session is removed).
  std::optional<session> find(std::string_view token);

  // The live session with this key, without refreshing it.
  std::optional<session> find_by_key(std::string_view key);

  // Refreshes the idle timer of a live session (e.g. one with a viewer WebSocket open).
  void touch(std::string_view key);

  // Ends a session. False when there was none.
  bool remove(std::string_view key);

  // Removes expired sessions and returns their keys.
  std::vector<std::string> expire();

  // Ends every session of `user_id` except the one with key `keep` (none when empty);
  // returns the keys ended (so their WebSockets can be closed).
  std::vector<std::string> remove_user(std::int64_t user_id, std::string_view keep = {});
  // Ends the sessions for which `keep(session)` is false; returns their keys.
  std::vector<std::string> remove_if_not(const std::function<bool(const session&)>& keep);
  // The role of every live session of `user_id` becomes `role` (a promotion).
  void set_role(std::int64_t user_id, technician_role role);
  // The word form (tests); throws std::invalid_argument for a word that is not a role.
  void set_role(std::int64_t user_id, std::string_view role_word);

  std::chrono::seconds idle_timeout() const { return idle_; }
  std::chrono::seconds absolute_timeout() const { return absolute_; }

  std::size_t size();

 private:
  struct entry {
    session s;
    steady_time created;
    steady_time last_used;
  };
  bool expired(const entry& e, steady_time now) const;

  steady_clock_fn clock_;
  std::chrono::seconds idle_;
  std::chrono::seconds absolute_;
  std::size_t max_sessions_;
  std::mutex mutex_;
  std::unordered_map<std::string, entry> sessions_;  // by key
};

}  // namespace visit::server
