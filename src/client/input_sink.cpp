#include "client/input_sink.hpp"

#include <string>

#include "client/client_log.hpp"

namespace visit::client {

void logging_input_sink::pointer_move(std::uint16_t x, std::uint16_t y) {
  log_line("input: pointer_move " + std::to_string(x) + "," + std::to_string(y));
}

void logging_input_sink::button(std::uint8_t button, bool pressed, std::uint16_t x,
                                std::uint16_t y) {
  log_line("input: button " + std::to_string(button) + (pressed ? " down " : " up ") +
           std::to_string(x) + "," + std::to_string(y));
}

void logging_input_sink::wheel(std::int16_t dx, std::int16_t dy) {
  log_line("input: wheel " + std::to_string(dx) + "," + std::to_string(dy));
}

void logging_input_sink::key(std::uint16_t code, bool pressed) {
  const std::string_view name =
      code < protocol::key_count ? protocol::key_table()[code].code : std::string_view("?");
  log_line("input: key " + std::string(name) + (pressed ? " down" : " up"));
}

void logging_input_sink::special(protocol::special_key key) {
  log_line("input: special " + std::string(protocol::to_string(key)));
}

void logging_input_sink::paste_text(std::string_view utf8) {
  log_line("input: paste_text " + std::to_string(utf8.size()) + " bytes");
}

released_input logging_input_sink::release_all() {
  log_line("input: release_all");
  return {};
}

void deliver(input_sink& sink, const protocol::input_event& e) {
  using protocol::input_kind;
  switch (e.kind) {
    case input_kind::pointer_move:
      return sink.pointer_move(e.x, e.y);
    case input_kind::button:
      return sink.button(e.button, e.pressed, e.x, e.y);
    case input_kind::wheel:
      return sink.wheel(e.dx, e.dy);
    case input_kind::key:
      return sink.key(e.key, e.pressed);
    case input_kind::special:
      return sink.special(e.special);
  }
}

}  // namespace visit::client
