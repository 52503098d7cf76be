// Input injection interface: what a technician's browser sends, replayed on the customer's
// desktop. Platform backends live under input/<platform>/ and are made by
// make_input_injector(); other modules' tests use fake_input_injector.
#pragma once
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

namespace visit::input {

class injection_ledger;

// Why a request was refused. Requests are validated before anything is injected, so a refused
// request has injected nothing (type_text: nothing of the refused character onwards).
enum class input_error {
  none,
  unknown_code,      // key(): not a key of the protocol's key table
  unknown_special,   // special(): not a name in special_combinations()
  invalid_argument,  // button number out of range, text too long or not UTF-8
  unmappable,        // type_text(): no key of the layout and no spare keycode for a character
  display_lost,      // the window system is gone: make a new injector
};
const char* to_string(input_error error);

// What the injector holds down right now: keys by KeyboardEvent.code (for logs and the
// audit), buttons by number.
struct pressed_state {
  std::vector<std::string> keys;
  std::vector<int> buttons;
  bool empty() const { return keys.empty() && buttons.empty(); }
};

// Limits of one request (the hub and the client also rate-limit; these keep one bad request
// from doing harm).
inline constexpr int max_button = 9;                 // 1..3 buttons, 4..7 wheel, 8/9 back/forward
inline constexpr int max_wheel_notches = 20;         // per axis and call; larger values are clamped
inline constexpr std::size_t max_text_bytes = 4096;  // type_text() input

// Thread-safety: one thread calls every member. Keys and buttons pressed through this object
// are tracked; release_all() undoes them (call it whenever control ends, for any reason).
class input_injector {
 public:
  virtual ~input_injector() = default;

  // Moves the pointer to (x, y) in screen pixels, clamped to the screen.
  virtual input_error pointer_move(int x, int y) = 0;
  // Presses or releases button 1..max_button. Pressing a held button or releasing one not
  // held is ignored (returns none).
  virtual input_error button(int button, bool pressed) = 0;
  // Scrolls by whole notches: dy > 0 down (X button 5), dy < 0 up (4), dx > 0 right (7),
  // dx < 0 left (6). Each notch is a click; nothing stays pressed.
  virtual input_error wheel(int dx, int dy) = 0;
  // Presses or releases the physical key numbered `key` in the protocol's key table
  // (protocol/key_table.hpp; 0 and numbers past it are unknown_code). The customer's layout
  // decides the character, so shortcuts and non-US layouts behave as on a local keyboard.
  // Repeated presses are sent (auto-repeat).
  virtual input_error key(std::uint16_t key, bool pressed) = 0;
  // The same by KeyboardEvent.code ("KeyA", "ShiftLeft", "F5"...), looked up in that table.
  // Implementations that override key() bring this back with `using input_injector::key;`.
  input_error key(std::string_view code, bool pressed);
  // Types UTF-8 text as key strokes in the current layout ('\n' = Return, '\t' = Tab).
  // Characters the layout lacks are typed through a spare keycode remapped for the purpose.
  virtual input_error type_text(std::string_view utf8) = 0;
  // Presses and releases a named combination from special_combinations() ("ctrl_alt_del",
  // "alt_tab", "win"...). Keys the technician already holds stay held.
  virtual input_error special(std::string_view name) = 0;
  // Releases every key and button this injector pressed and still holds (keys in reverse
  // order of pressing, then buttons), and returns what it released, for the audit.
  virtual pressed_state release_all() = 0;
  virtual pressed_state pressed() const = 0;
};

// The platform injector for display `display_name` (empty = $DISPLAY). `ledger`, if given,
// is told of every injected move and press so that a local_input_monitor can tell them from
// the customer's own input; it outlives the injector. Returns null with `error` set if there
// is no display or a required extension (X11: XTEST, XKB) is missing.
std::unique_ptr<input_injector> make_input_injector(const std::string& display_name,
                                                    injection_ledger* ledger, std::string& error);

}  // namespace visit::input
