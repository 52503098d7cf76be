// What the injector did, told to the local input monitor so that it can tell the injector's
// own events from the customer's. Portable; the clock is injected for tests.
#pragma once
#include <chrono>
#include <deque>
#include <functional>
#include <mutex>

namespace visit::input {

// Thread-safety: every member may be called from any thread (the injector writes on the
// input thread, the monitor reads on its own).
class injection_ledger {
 public:
  using clock = std::chrono::steady_clock;
  // An injected event is expected to show up within `horizon`; older entries are forgotten,
  // so a monitor that falls behind cannot keep credits that would hide local input for long.
  explicit injection_ledger(std::chrono::milliseconds horizon = std::chrono::milliseconds(1000),
                            std::function<clock::time_point()> now = &clock::now);

  // Injector side: call BEFORE sending the event, so that the monitor never sees an event
  // without its entry.
  void pointer_moved(int x, int y);
  void key_pressed();
  void button_pressed();

  // Monitor side. True if the pointer at (x, y) is where the injector recently put it.
  bool explains_pointer(int x, int y);
  // True (and the credit is used up) if a press from the injector's device is accounted for
  // by an injected press not yet matched.
  bool take_key_press();
  bool take_button_press();

 private:
  struct position {
    int x, y;
    clock::time_point at;
  };
  void expire(clock::time_point now);

  const std::chrono::milliseconds horizon_;
  const std::function<clock::time_point()> now_;
  std::mutex mutex_;
  std::deque<position> positions_;         // guarded by mutex_; newest last; bounded
  std::deque<clock::time_point> keys_;     // guarded by mutex_; one per unmatched press
  std::deque<clock::time_point> buttons_;  // guarded by mutex_
  bool have_last_ = false;                 // guarded by mutex_; the newest position is kept
  position last_{};                        // guarded by mutex_; past the horizon
};

}  // namespace visit::input
