#include "input/injection_ledger.hpp"

#include <utility>

namespace visit::input {

namespace {
constexpr std::size_t max_entries = 512;
}

injection_ledger::injection_ledger(std::chrono::milliseconds horizon,
                                   std::function<clock::time_point()> now)
    : horizon_(horizon), now_(std::move(now)) {}

void injection_ledger::expire(clock::time_point now) {
  const auto old = [&](clock::time_point t) { return now - t > horizon_; };
  while (!positions_.empty() && old(positions_.front().at)) positions_.pop_front();
  while (!keys_.empty() && old(keys_.front())) keys_.pop_front();
  while (!buttons_.empty() && old(buttons_.front())) buttons_.pop_front();
}

void injection_ledger::pointer_moved(int x, int y) {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  expire(now);
  positions_.push_back({x, y, now});
  if (positions_.size() > max_entries) positions_.pop_front();
  last_ = {x, y, now};
  have_last_ = true;
}

void injection_ledger::key_pressed() {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  expire(now);
  keys_.push_back(now);
  if (keys_.size() > max_entries) keys_.pop_front();
}

void injection_ledger::button_pressed() {
  std::lock_guard lock(mutex_);
  const auto now = now_();
  expire(now);
  buttons_.push_back(now);
  if (buttons_.size() > max_entries) buttons_.pop_front();
}

bool injection_ledger::explains_pointer(int x, int y) {
  std::lock_guard lock(mutex_);
  expire(now_());
  // The pointer resting where the injector last left it is explained however long ago that
  // was; a position passed through is explained only within the horizon.
  if (have_last_ && last_.x == x && last_.y == y) return true;
  for (const auto& p : positions_)
    if (p.x == x && p.y == y) return true;
  return false;
}

bool injection_ledger::take_key_press() {
  std::lock_guard lock(mutex_);
  expire(now_());
  if (keys_.empty()) return false;
  keys_.pop_front();
  return true;
}

bool injection_ledger::take_button_press() {
  std::lock_guard lock(mutex_);
  expire(now_());
  if (buttons_.empty()) return false;
  buttons_.pop_front();
  return true;
}

}  // namespace visit::input
