// Session codes (docs/protocol.md §3.5): a technician creates a 9-digit code and reads it out;
// the customer's hello names it and is paired with that technician.
//
// Codes come from the CSPRNG (libsodium), are stored only as HMAC-SHA256 under a server key
// (DATA_DIR/code_key, 32 random bytes, 0600), live `ttl` (10 minutes), are single use (one
// atomic UPDATE consumes them) and at most `max_live_per_technician` (5) live at once.
//
// Guessing is bounded by failure budgets checked BEFORE any lookup, over a sliding window of
// `window` (10 minutes): `per_address_failures` (10) per client address and `global_failures`
// (200) in all. Over the per-address budget an address gets no lookup. Over the global budget
// an address that has not failed in the window still gets a lookup from a separate, slow
// allowance (a bucket of `fresh_burst` (10) lookups, one more every `fresh_refill` (3 s)), so
// an attacker can exhaust the global budget without locking every real customer out for ten
// minutes; the allowance adds at most 10 + 200 lookups per 10 minutes to the attacker's 200.
// Every refusal looks the same to the customer (code_refused), whatever the reason.
//
// The running server also keeps, in memory only, the digits of each live code with its
// technician, so that technician can list them again (GET /api/codes) until they expire.
//
// Thread-safety: every method may be called from any thread (one mutex; the store has its own).
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <filesystem>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/store/store.hpp"

namespace visit::server {

class session_codes {
 public:
  struct config {
    std::int64_t ttl_s = 600;
    std::size_t max_live_per_technician = 5;
    std::int64_t window_s = 600;
    std::size_t per_address_failures = 10;
    std::size_t global_failures = 200;
    double fresh_burst = 10;
    double fresh_refill_s = 3;
  };
  using clock_fn = std::function<std::int64_t()>;  // Unix seconds

  // `key`: 32 bytes. `now`: the clock (tests inject one).
  session_codes(store& db, std::string key, clock_fn now, config c);
  session_codes(store& db, std::string key, clock_fn now)
      : session_codes(db, std::move(key), std::move(now), config{}) {}

  // Loads DATA_DIR/code_key, or creates it (0600). Throws std::runtime_error when it cannot.
  static std::string load_or_create_key(const std::filesystem::path& file);

  struct live_code {
    std::string code;  // "482 913 205"
    std::int64_t expires_at = 0;
  };
  enum class create_error { too_many, failed };
  // A new code for `technician`; error too_many when 5 are live.
  std::optional<live_code> create(const std::string& technician, create_error* error = nullptr);
  // The technician's live codes (digits kept in memory by this process), soonest expiry first.
  std::vector<live_code> live_for(const std::string& technician);

  enum class outcome { paired, refused_unknown, refused_over_budget };
  struct redeem_result {
    outcome result = outcome::refused_unknown;
    std::string technician;  // when paired
  };
  // A customer's code from `address`: budgets first, then one lookup that consumes it.
  redeem_result redeem(const std::string& address, std::string_view code);

  // "482-913 205" -> "482913205"; nullopt unless exactly 9 digits remain.
  static std::optional<std::string> normalize(std::string_view code);
  std::string hash(std::string_view digits) const;  // HMAC-SHA256 hex

  struct counters {
    std::uint64_t lookups = 0;
    std::uint64_t failures = 0;
    std::uint64_t over_budget = 0;
    std::uint64_t paired = 0;
  };
  counters stats();

 private:
  void prune(std::int64_t now);

  store& db_;
  std::string key_;
  clock_fn now_;
  config cfg_;
  std::mutex mutex_;
  std::map<std::string, std::deque<std::int64_t>> failures_by_address_;
  std::deque<std::int64_t> failures_;
  double fresh_tokens_;
  std::int64_t fresh_stamp_ = 0;
  struct memo {
    std::string technician;
    std::string hash;
    live_code code;
  };
  std::vector<memo> live_;  // digits of live codes, in memory only
  counters counters_;
};

}  // namespace visit::server
