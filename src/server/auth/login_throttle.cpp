#include "server/auth/login_throttle.hpp"

#include <algorithm>

namespace visit::server {

using std::chrono::milliseconds;

login_throttle::login_throttle(steady_clock_fn clock, policy per_address, policy per_user,
                               std::chrono::seconds forget_after, std::size_t max_keys)
    : clock_(std::move(clock)),
      per_address_(per_address),
      per_user_(per_user),
      forget_after_(forget_after),
      max_keys_(max_keys) {}

milliseconds login_throttle::wait_of(table& t, const std::string& key, steady_time now) {
  auto it = t.find(key);
  if (it == t.end()) return milliseconds(0);
  if (now - it->second.last_failure >= forget_after_ && now >= it->second.closed_until) {
    t.erase(it);
    return milliseconds(0);
  }
  if (now >= it->second.closed_until) return milliseconds(0);
  return std::chrono::ceil<milliseconds>(it->second.closed_until - now);
}

void login_throttle::fail(table& t, const std::string& key, const policy& p, steady_time now) {
  if (t.size() >= max_keys_ && !t.count(key)) prune(t, now);
  auto& c = t[key];
  if (now - c.last_failure >= forget_after_ && now >= c.closed_until) c.failures = 0;
  ++c.failures;
  c.last_failure = now;
  if (c.failures > p.free_failures) {
    int doublings = std::min(c.failures - p.free_failures - 1, 20);
    auto delay =
        std::min(milliseconds(p.base.count() * (milliseconds::rep{1} << doublings)), p.cap);
    c.closed_until = now + delay;
  }
}

void login_throttle::prune(table& t, steady_time now) {
  for (auto it = t.begin(); it != t.end();) {
    if (now - it->second.last_failure >= forget_after_ && now >= it->second.closed_until) {
      it = t.erase(it);
    } else {
      ++it;
    }
  }
  // Still full (a flood of distinct keys): drop the oldest key, so memory stays bounded.
  if (t.size() >= max_keys_) {
    auto oldest = std::min_element(t.begin(), t.end(), [](auto& a, auto& b) {
      return a.second.last_failure < b.second.last_failure;
    });
    t.erase(oldest);
  }
}

milliseconds login_throttle::retry_after(std::string_view address, std::string_view username) {
  auto now = clock_();
  std::lock_guard lock(mutex_);
  return std::max(wait_of(addresses_, std::string(address), now),
                  wait_of(users_, std::string(username), now));
}

void login_throttle::record_failure(std::string_view address, std::string_view username) {
  auto now = clock_();
  std::lock_guard lock(mutex_);
  fail(addresses_, std::string(address), per_address_, now);
  fail(users_, std::string(username), per_user_, now);
}

void login_throttle::record_success(std::string_view address, std::string_view username) {
  std::lock_guard lock(mutex_);
  addresses_.erase(std::string(address));
  users_.erase(std::string(username));
}

std::size_t login_throttle::size() {
  std::lock_guard lock(mutex_);
  return addresses_.size() + users_.size();
}

}  // namespace visit::server
