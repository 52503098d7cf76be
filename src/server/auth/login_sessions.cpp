#include "server/auth/login_sessions.hpp"

#include <algorithm>
#include <stdexcept>

#include "server/auth/crypto_helpers.hpp"

namespace visit::server {

login_sessions::login_sessions(steady_clock_fn clock, std::chrono::seconds idle,
                               std::chrono::seconds absolute, std::size_t max_sessions)
    : clock_(std::move(clock)), idle_(idle), absolute_(absolute), max_sessions_(max_sessions) {}

bool login_sessions::expired(const entry& e, steady_time now) const {
  return now - e.last_used >= idle_ || now - e.created >= absolute_;
}

namespace {
technician_role role_of(std::string_view word) {
  auto r = parse_role(word);
  if (!r) throw std::invalid_argument("not a role: " + std::string(word.substr(0, 16)));
  return *r;
}
}  // namespace

login_sessions::created login_sessions::create(std::int64_t user_id, std::string_view username,
                                               std::string_view role_word) {
  return create(user_id, username, role_of(role_word));
}

void login_sessions::set_role(std::int64_t user_id, std::string_view role_word) {
  set_role(user_id, role_of(role_word));
}

login_sessions::created login_sessions::create(std::int64_t user_id, std::string_view username,
                                               technician_role role) {
  created out;
  out.token = random_hex(32);
  out.s.key = sha256_hex(out.token);
  out.s.user_id = user_id;
  out.s.username = username;
  out.s.role = role;
  out.s.csrf = random_hex(32);
  auto now = clock_();
  std::lock_guard lock(mutex_);
  if (sessions_.size() >= max_sessions_) {
    auto oldest = std::min_element(sessions_.begin(), sessions_.end(), [](auto& a, auto& b) {
      return a.second.last_used < b.second.last_used;
    });
    if (oldest != sessions_.end()) sessions_.erase(oldest);
  }
  sessions_[out.s.key] = entry{out.s, now, now};
  return out;
}

std::optional<login_sessions::session> login_sessions::find(std::string_view token) {
  if (!is_lower_hex(token, 64)) return std::nullopt;
  auto key = sha256_hex(token);
  auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(key);
  if (it == sessions_.end()) return std::nullopt;
  if (expired(it->second, now)) {
    sessions_.erase(it);
    return std::nullopt;
  }
  it->second.last_used = now;
  return it->second.s;
}

std::optional<login_sessions::session> login_sessions::find_by_key(std::string_view key) {
  auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(key));
  if (it == sessions_.end() || expired(it->second, now)) return std::nullopt;
  return it->second.s;
}

void login_sessions::touch(std::string_view key) {
  auto now = clock_();
  std::lock_guard lock(mutex_);
  auto it = sessions_.find(std::string(key));
  if (it != sessions_.end() && !expired(it->second, now)) it->second.last_used = now;
}

bool login_sessions::remove(std::string_view key) {
  std::lock_guard lock(mutex_);
  return sessions_.erase(std::string(key)) > 0;
}

std::vector<std::string> login_sessions::expire() {
  auto now = clock_();
  std::vector<std::string> gone;
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (expired(it->second, now)) {
      gone.push_back(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

std::vector<std::string> login_sessions::remove_user(std::int64_t user_id, std::string_view keep) {
  return remove_if_not(
      [&](const session& s) { return s.user_id != user_id || (!keep.empty() && s.key == keep); });
}

std::vector<std::string> login_sessions::remove_if_not(
    const std::function<bool(const session&)>& keep) {
  std::vector<std::string> gone;
  std::lock_guard lock(mutex_);
  for (auto it = sessions_.begin(); it != sessions_.end();) {
    if (!keep(it->second.s)) {
      gone.push_back(it->first);
      it = sessions_.erase(it);
    } else {
      ++it;
    }
  }
  return gone;
}

void login_sessions::set_role(std::int64_t user_id, technician_role role) {
  std::lock_guard lock(mutex_);
  for (auto& [key, e] : sessions_) {
    if (e.s.user_id == user_id) e.s.role = role;
  }
}

std::size_t login_sessions::size() {
  std::lock_guard lock(mutex_);
  return sessions_.size();
}

}  // namespace visit::server
