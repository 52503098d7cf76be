// An injectable monotonic clock, so expiry and throttling are tested without sleeping.
#pragma once
#include <chrono>
#include <functional>

namespace visit::server {

using steady_time = std::chrono::steady_clock::time_point;
using steady_clock_fn = std::function<steady_time()>;

inline steady_clock_fn real_steady_clock() {
  return [] { return std::chrono::steady_clock::now(); };
}

}  // namespace visit::server
