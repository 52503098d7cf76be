// The X11 injector: XTEST fake events, keys by physical keycode through the server's XKB key
// names, text by looking up keysyms in the current XKB layout. Only input/x11 includes this.
#pragma once
#include <X11/Xlib.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "input/input_injector.hpp"
#include "protocol/key_table.hpp"
#include "x11/x11_handles.hpp"

namespace visit::input::x11 {

using namespace ::visit::x11;  // the shared Xlib plumbing (src/x11)

// Thread-safety: one thread (the client's input thread), like the interface.
class input_injector_x11 final : public input_injector {
 public:
  static std::unique_ptr<input_injector_x11> create(const std::string& display_name,
                                                    injection_ledger* ledger, std::string& error);
  // Releases everything still held and gives remapped spare keycodes back their NoSymbol.
  ~input_injector_x11() override;

  input_error pointer_move(int x, int y) override;
  input_error button(int button, bool pressed) override;
  input_error wheel(int dx, int dy) override;
  using input_injector::key;
  input_error key(std::uint16_t key, bool pressed) override;
  input_error type_text(std::string_view utf8) override;
  input_error special(std::string_view name) override;
  pressed_state release_all() override;
  pressed_state pressed() const override;

  // The X keycode used for key number `key` (0 if unknown), for tests and diagnostics.
  unsigned keycode_for(std::uint16_t key) const;

 private:
  input_injector_x11() = default;
  struct stroke;  // a keycode and the modifier keycodes that select the wanted level
  bool lookup_keysym(unsigned long keysym, stroke& out);
  bool remap_spare(unsigned long keysym, stroke& out);
  void press_key(unsigned keycode, bool pressed);
  void press_button(int button, bool pressed);
  void refresh_screen_size();

  bool dead_ = false;  // declared before display_: the display's exit handler writes it
  unique_display display_;
  Window root_ = 0;
  injection_ledger* ledger_ = nullptr;                    // may be null; outlives the injector
  std::array<unsigned, protocol::key_count> keycodes_{};  // key number -> keycode; 0 = none
  std::vector<std::uint16_t> held_keys_;                  // key numbers, in order of pressing
  std::vector<int> held_buttons_;
  int width_ = 1, height_ = 1;
  std::chrono::steady_clock::time_point size_checked_{};
  std::vector<unsigned> spare_keycodes_;  // without symbols at start
  std::vector<std::pair<unsigned, unsigned long>>
      remapped_;  // spare keycode -> keysym, oldest first
};

}  // namespace visit::input::x11
