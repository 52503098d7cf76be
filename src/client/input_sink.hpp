// Where remote input goes once access_control has accepted it: the X11 injector (src/input)
// will implement this; until then logging_input_sink stands in. Methods mirror the `input`
// and `paste_text` messages of docs/protocol.md §9.
// Thread-safety: called on the network thread only.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "protocol/control.hpp"

namespace visit::client {

// What release_all() let go of (counts only: access_state "released", protocol.md §3.3).
struct released_input {
  std::size_t keys = 0;
  std::size_t buttons = 0;
};

class input_sink {
 public:
  virtual ~input_sink() = default;
  virtual void pointer_move(std::uint16_t x, std::uint16_t y) = 0;
  // button: 1 left, 2 middle, 3 right, 8 back, 9 forward; at (x, y).
  virtual void button(std::uint8_t button, bool pressed, std::uint16_t x, std::uint16_t y) = 0;
  virtual void wheel(std::int16_t dx, std::int16_t dy) = 0;
  // code: a key number of protocol::key_table().
  virtual void key(std::uint16_t code, bool pressed) = 0;
  virtual void special(protocol::special_key key) = 0;
  virtual void paste_text(std::string_view utf8) = 0;
  // Releases every button and key the remote side holds down: called on every exit from
  // Full-Access, so a revoked technician never leaves Ctrl pressed. Returns what was held.
  virtual released_input release_all() = 0;
};

// Writes one log line per call ("input: ..."); injects nothing.
class logging_input_sink final : public input_sink {
 public:
  void pointer_move(std::uint16_t x, std::uint16_t y) override;
  void button(std::uint8_t button, bool pressed, std::uint16_t x, std::uint16_t y) override;
  void wheel(std::int16_t dx, std::int16_t dy) override;
  void key(std::uint16_t code, bool pressed) override;
  void special(protocol::special_key key) override;
  void paste_text(std::string_view utf8) override;
  released_input release_all() override;
};

// Hands one validated event to `sink`.
void deliver(input_sink& sink, const protocol::input_event& e);

}  // namespace visit::client
