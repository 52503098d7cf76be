#include "net/backoff.hpp"

#include <algorithm>
#include <random>

namespace visit::net {

backoff::backoff() : backoff(settings{}) {}

backoff::backoff(settings s, std::function<double()> uniform01)
    : settings_(s), uniform01_(std::move(uniform01)), base_(s.initial) {
  if (!uniform01_) {
    uniform01_ = [gen = std::mt19937(std::random_device{}()),
                  dist = std::uniform_real_distribution<double>(0.0, 1.0)]() mutable {
      return dist(gen);
    };
  }
}

std::chrono::milliseconds backoff::next() {
  const double u = std::clamp(uniform01_(), 0.0, 1.0);
  const double factor = 1.0 - std::clamp(settings_.jitter, 0.0, 1.0) * u;
  const auto delay = std::chrono::milliseconds(
      static_cast<std::chrono::milliseconds::rep>(static_cast<double>(base_.count()) * factor));
  base_ = std::min(base_ * 2, settings_.maximum);
  ++failures_;
  return delay;
}

void backoff::reset() {
  base_ = settings_.initial;
  failures_ = 0;
}

}  // namespace visit::net
