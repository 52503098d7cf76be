// Reconnect delays: exponential growth from `initial` to `maximum`, each shortened by a
// random share of up to `jitter` so that many clients cut off together do not return together.
// Thread-safety: one owner (the network thread); not synchronised.
#pragma once
#include <chrono>
#include <functional>

namespace visit::net {

class backoff {
 public:
  struct settings {
    std::chrono::milliseconds initial{500};
    std::chrono::milliseconds maximum{30'000};
    double jitter = 0.2;  // each delay is base * (1 - jitter * u), u uniform in [0, 1)
  };
  // `uniform01` returns numbers in [0, 1); the default draws from a seeded std::mt19937.
  backoff();
  explicit backoff(settings s, std::function<double()> uniform01 = {});

  // The delay before the next attempt, and grows the base for the one after:
  // initial, 2*initial, 4*initial, … capped at maximum (before jitter).
  std::chrono::milliseconds next();
  // After a connection that worked: the next delay is `initial` again.
  void reset();
  // Delays handed out since the last reset().
  int failures() const { return failures_; }

 private:
  settings settings_;
  std::function<double()> uniform01_;
  std::chrono::milliseconds base_;
  int failures_ = 0;
};

}  // namespace visit::net
