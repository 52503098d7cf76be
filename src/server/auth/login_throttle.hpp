// Slows password guessing (docs/security.md, "Login throttling").
// Failures are counted per client address and per username (known or not: an unknown name is
// throttled exactly like a real one). After `free_failures` failures of a key, each further
// failure closes that key for base * 2^(n-1), capped at `cap`; an attempt while a key is
// closed is refused without checking the password and without counting, so the delay cannot
// be pushed further out: the real user gets in once the (capped) delay has passed. A success
// clears both keys; a key forgotten after `forget_after` without failures.
// Thread-safety: every method may be called from any thread (one mutex).
#pragma once
#include <chrono>
#include <cstddef>
#include <mutex>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/steady_clock_fn.hpp"

namespace visit::server {

class login_throttle {
 public:
  struct policy {
    int free_failures;
    std::chrono::milliseconds base;
    std::chrono::milliseconds cap;
  };
  static constexpr policy default_address_policy{5, std::chrono::seconds(1),
                                                 std::chrono::seconds(30)};
  static constexpr policy default_user_policy{3, std::chrono::seconds(1), std::chrono::seconds(60)};

  explicit login_throttle(steady_clock_fn clock, policy per_address = default_address_policy,
                          policy per_user = default_user_policy,
                          std::chrono::seconds forget_after = std::chrono::minutes(15),
                          std::size_t max_keys = 20000);

  // Zero when an attempt for (address, username) may be checked now; otherwise how long the
  // caller must wait (the longer of the two keys).
  std::chrono::milliseconds retry_after(std::string_view address, std::string_view username);
  void record_failure(std::string_view address, std::string_view username);
  void record_success(std::string_view address, std::string_view username);
  // Keys tracked (addresses + usernames): bounded by 2 * max_keys.
  std::size_t size();

 private:
  struct counter {
    int failures = 0;
    steady_time closed_until{};
    steady_time last_failure{};
  };
  using table = std::unordered_map<std::string, counter>;
  std::chrono::milliseconds wait_of(table& t, const std::string& key, steady_time now);
  void fail(table& t, const std::string& key, const policy& p, steady_time now);
  void prune(table& t, steady_time now);

  steady_clock_fn clock_;
  policy per_address_;
  policy per_user_;
  std::chrono::seconds forget_after_;
  std::size_t max_keys_;
  std::mutex mutex_;
  table addresses_;
  table users_;
};

}  // namespace visit::server
