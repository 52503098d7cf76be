// Mouse precedence: notices the customer's own input while a technician has control, so that
// remote input can be blocked at once. Events the injector produced (as told to the
// injection_ledger) are not reported. See README.md for the method and its limits.
#pragma once
#include <chrono>
#include <functional>
#include <memory>
#include <string>

namespace visit::input {

class injection_ledger;

enum class local_input_kind { pointer_motion, button, key };
enum class local_input_evidence {
  other_device,       // an input device that is not the injector's (a real mouse or keyboard)
  unexplained_press,  // a press from the injection device that the injector did not make
  pointer_moved,      // the pointer is somewhere the injector did not put it
};
const char* to_string(local_input_kind kind);
const char* to_string(local_input_evidence evidence);

struct local_input_event {
  local_input_kind kind;
  local_input_evidence evidence;
  std::chrono::steady_clock::time_point detected_at;
};

// Watches from construction to destruction; create it when control starts and destroy it
// when control ends (it polls the pointer every few tens of ms while alive). The callback
// runs on the monitor's own thread, may run often while the customer keeps moving, and must
// be quick (set a flag, post a message). The destructor waits for a running callback.
class local_input_monitor {
 public:
  using callback = std::function<void(const local_input_event&)>;
  virtual ~local_input_monitor() = default;
};

struct monitor_options {
  // Fallback check of the pointer position, for moves no input event announces
  // (XWarpPointer from another client).
  std::chrono::milliseconds pointer_poll{20};
};

// The platform monitor for display `display_name` (empty = $DISPLAY). `ledger` is the one
// given to the injector; it outlives the monitor. Returns null with `error` set if there is
// no display or the platform cannot watch input (X11: no XInputExtension 2.2).
std::unique_ptr<local_input_monitor> make_local_input_monitor(
    const std::string& display_name, injection_ledger& ledger,
    local_input_monitor::callback on_input, std::string& error, monitor_options options = {});

}  // namespace visit::input
