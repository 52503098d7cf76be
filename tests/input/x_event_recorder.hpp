// A test X client with its own Display connection: a window over the whole screen, focused,
// that records every key, button and motion event it receives, with the keysym the client
// would see (XLookupString, so the layout, shift level and modifiers count). It also plays
// "the customer": warping the pointer or faking input from a connection that is not the
// injector's. Kept apart from the test files so that Xlib's macros never meet GoogleTest.
//
// Thread-safety: none; one thread.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace visit::test {

struct x_event {
  enum class kind { key_press, key_release, button_press, button_release, motion };
  kind what;
  unsigned long keysym = 0;  // keys: as XLookupString reports it
  unsigned keycode = 0;
  unsigned state = 0;  // modifier and button mask before the event
  int button = 0;
  int x = 0, y = 0;  // root coordinates
  std::chrono::steady_clock::time_point received;
};

class x_event_recorder {
 public:
  x_event_recorder(const std::string& display, int width, int height);
  ~x_event_recorder();
  x_event_recorder(const x_event_recorder&) = delete;
  x_event_recorder& operator=(const x_event_recorder&) = delete;

  bool ok() const;
  // Reads events until one received from now on satisfies `match`; false on timeout.
  bool wait_for(const std::function<bool(const x_event&)>& match,
                std::chrono::milliseconds timeout = std::chrono::milliseconds(2000));
  // Reads events until none has arrived for `quiet`.
  void drain(std::chrono::milliseconds quiet = std::chrono::milliseconds(100));
  const std::vector<x_event>& events() const { return events_; }
  void clear() { events_.clear(); }
  // Keysyms of the key presses recorded, modifier keys left out.
  std::vector<unsigned long> typed_keysyms() const;

  // What the server thinks is down right now.
  bool any_key_down();
  unsigned pointer_buttons_down();  // Button1Mask... bits

  // Input from this connection, i.e. not from the injector: the customer's own hand.
  void warp_pointer(int x, int y);
  void xtest_motion(int x, int y);
  void xtest_key_tap(unsigned keycode);
  // Names of the input devices the server has, e.g. "Virtual core XTEST pointer (slave pointer)".
  std::vector<std::string> input_devices();

  static constexpr unsigned shift_mask = 1, control_mask = 4, mod5_mask = 128;

 private:
  void record_pending();
  struct impl;
  std::unique_ptr<impl> impl_;
  std::vector<x_event> events_;
};

}  // namespace visit::test
