#include "input/x11/input_injector_x11.hpp"

#include <X11/XKBlib.h>
#include <X11/extensions/XTest.h>
#include <X11/keysym.h>

#include <algorithm>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <unordered_map>

#include "input/injection_ledger.hpp"
#include "input/key_codes.hpp"

namespace visit::input::x11 {

namespace {

unsigned long keysym_for(char32_t c) {
  if (c == U'\n') return XK_Return;
  if (c == U'\t') return XK_Tab;
  if ((c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff)) return c;  // Latin-1 = keysym
  if (c < 0x20 || c == 0x7f) return NoSymbol;                          // other controls
  return 0x01000000ul | c;                                             // Unicode keysym
}

// Keysyms of keys that, pressed, set a modifier without locking it: the ones type_text may
// hold to reach a shift level.
bool is_plain_modifier_keysym(KeySym ks) {
  switch (ks) {
    case XK_Shift_L:
    case XK_Shift_R:
    case XK_Control_L:
    case XK_Control_R:
    case XK_Alt_L:
    case XK_Alt_R:
    case XK_Meta_L:
    case XK_Meta_R:
    case XK_Super_L:
    case XK_Super_R:
    case XK_ISO_Level3_Shift:
    case XK_ISO_Level5_Shift:
      return true;
    default:
      return false;
  }
}

// Modifier bits a typed character may need; Lock and Mod2 (Num Lock) are locks, never held.
constexpr unsigned holdable_mods =
    ShiftMask | ControlMask | Mod1Mask | Mod3Mask | Mod4Mask | Mod5Mask;

using xkb_desc =
    std::unique_ptr<XkbDescRec, decltype([](XkbDescPtr d) { XkbFreeKeyboard(d, 0, True); })>;

xkb_desc get_xkb(Display* display) {
  return xkb_desc(XkbGetMap(display, XkbAllClientInfoMask, XkbUseCoreKbd));
}

}  // namespace

struct input_injector_x11::stroke {
  unsigned keycode = 0;
  std::vector<unsigned> modifier_keycodes;
};

std::unique_ptr<input_injector_x11> input_injector_x11::create(const std::string& display_name,
                                                               injection_ledger* ledger,
                                                               std::string& error) {
  std::unique_ptr<input_injector_x11> self(new input_injector_x11());
  self->display_ = open_display(display_name.c_str());
  if (self->display_) on_connection_lost(self->display_.get(), &self->dead_);
  Display* d = self->display_.get();
  if (!d) {
    error = "cannot open display " + display_name;
    return nullptr;
  }
  int event_base = 0, error_base = 0, major = 0, minor = 0;
  if (!XTestQueryExtension(d, &event_base, &error_base, &major, &minor)) {
    error = "the X server has no XTEST extension";
    return nullptr;
  }
  int opcode = 0;
  major = XkbMajorVersion;
  minor = XkbMinorVersion;
  if (!XkbQueryExtension(d, &opcode, &event_base, &error_base, &major, &minor)) {
    error = "the X server has no XKB extension";
    return nullptr;
  }
  // XTest events must reach the server even if another client grabbed it (a screen locker
  // would otherwise swallow Ctrl-Alt-Del style input silently).
  XTestGrabControl(d, True);
  self->root_ = DefaultRootWindow(d);
  self->ledger_ = ledger;

  // Physical keys: the server's own key names say which keycode is which key (evdev or
  // xfree86 keycodes alike); evdev + 8 when the server has no name for a key.
  xkb_desc names_desc(XkbGetKeyboard(d, XkbKeyNamesMask, XkbUseCoreKbd));
  std::unordered_map<std::string, unsigned> by_name;
  if (names_desc && names_desc->names && names_desc->names->keys) {
    for (int kc = names_desc->min_key_code; kc <= names_desc->max_key_code; ++kc) {
      const char* n = names_desc->names->keys[kc].name;
      const std::string name(n, strnlen(n, XkbKeyNameLength));
      if (!name.empty()) by_name.emplace(name, static_cast<unsigned>(kc));
    }
  }
  const auto keys = protocol::key_table();
  for (std::size_t k = 1; k < keys.size(); ++k) {
    const auto it = by_name.find(std::string(keys[k].xkb_name));
    self->keycodes_[k] = it != by_name.end() ? it->second : unsigned{keys[k].evdev} + 8u;
  }

  // Spare keycodes for characters the layout lacks: keys with no symbols at all.
  if (auto xkb = get_xkb(d)) {
    for (int kc = xkb->max_key_code; kc >= std::max<int>(xkb->min_key_code, 9); --kc)
      if (XkbKeyNumGroups(xkb.get(), kc) == 0)
        self->spare_keycodes_.push_back(static_cast<unsigned>(kc));
  }
  self->refresh_screen_size();
  return self;
}

input_injector_x11::~input_injector_x11() {
  if (dead_ || !display_) return;
  release_all();
  for (const auto& [keycode, keysym] : remapped_) {
    KeySym none[2] = {NoSymbol, NoSymbol};
    XChangeKeyboardMapping(display_.get(), static_cast<int>(keycode), 2, none, 1);
  }
  XSync(display_.get(), False);
}

unsigned input_injector_x11::keycode_for(std::uint16_t key) const {
  return key < keycodes_.size() ? keycodes_[key] : 0;
}

void input_injector_x11::refresh_screen_size() {
  // The screen can change size (RandR) under us; asking costs a round trip, so ask at most
  // twice a second.
  const auto now = std::chrono::steady_clock::now();
  if (now - size_checked_ < std::chrono::milliseconds(500)) return;
  size_checked_ = now;
  Window root_return = 0;
  int x = 0, y = 0;
  unsigned w = 0, h = 0, border = 0, depth = 0;
  if (XGetGeometry(display_.get(), root_, &root_return, &x, &y, &w, &h, &border, &depth)) {
    width_ = std::max(1, static_cast<int>(w));
    height_ = std::max(1, static_cast<int>(h));
  }
}

input_error input_injector_x11::pointer_move(int x, int y) {
  if (dead_) return input_error::display_lost;
  refresh_screen_size();
  if (dead_) return input_error::display_lost;
  x = std::clamp(x, 0, width_ - 1);
  y = std::clamp(y, 0, height_ - 1);
  if (ledger_) ledger_->pointer_moved(x, y);
  // Screen -1: the screen the pointer is on (the only one in practice).
  XTestFakeMotionEvent(display_.get(), -1, x, y, CurrentTime);
  XFlush(display_.get());
  return input_error::none;
}

void input_injector_x11::press_button(int number, bool pressed) {
  if (pressed && ledger_) ledger_->button_pressed();
  XTestFakeButtonEvent(display_.get(), static_cast<unsigned>(number), pressed ? True : False,
                       CurrentTime);
}

input_error input_injector_x11::button(int number, bool pressed) {
  if (dead_) return input_error::display_lost;
  if (number < 1 || number > max_button) return input_error::invalid_argument;
  const auto it = std::find(held_buttons_.begin(), held_buttons_.end(), number);
  if (pressed == (it != held_buttons_.end())) return input_error::none;
  if (pressed)
    held_buttons_.push_back(number);
  else
    held_buttons_.erase(it);
  press_button(number, pressed);
  XFlush(display_.get());
  return input_error::none;
}

input_error input_injector_x11::wheel(int dx, int dy) {
  if (dead_) return input_error::display_lost;
  dx = std::clamp(dx, -max_wheel_notches, max_wheel_notches);
  dy = std::clamp(dy, -max_wheel_notches, max_wheel_notches);
  const auto clicks = [&](int notches, int negative_button, int positive_button) {
    const int b = notches < 0 ? negative_button : positive_button;
    for (int i = 0; i < std::abs(notches); ++i) {
      press_button(b, true);
      press_button(b, false);
    }
  };
  clicks(dy, 4, 5);
  clicks(dx, 6, 7);
  XFlush(display_.get());
  return input_error::none;
}

void input_injector_x11::press_key(unsigned keycode, bool pressed) {
  if (pressed && ledger_) ledger_->key_pressed();
  XTestFakeKeyEvent(display_.get(), keycode, pressed ? True : False, CurrentTime);
}

input_error input_injector_x11::key(std::uint16_t key, bool pressed) {
  if (dead_) return input_error::display_lost;
  const unsigned keycode = keycode_for(key);
  if (keycode == 0) return input_error::unknown_code;
  const auto it = std::find(held_keys_.begin(), held_keys_.end(), key);
  if (pressed) {
    if (it == held_keys_.end()) held_keys_.push_back(key);
  } else {
    if (it == held_keys_.end()) return input_error::none;  // never release what we did not press
    held_keys_.erase(it);
  }
  press_key(keycode, pressed);
  XFlush(display_.get());
  return input_error::none;
}

bool input_injector_x11::lookup_keysym(unsigned long keysym, stroke& out) {
  Display* d = display_.get();
  auto xkb = get_xkb(d);
  if (!xkb) return false;
  XkbStateRec state{};
  XkbGetState(d, XkbUseCoreKbd, &state);
  int best_cost = 99;
  unsigned best_mods = 0;
  for (int kc = xkb->min_key_code; kc <= xkb->max_key_code; ++kc) {
    const int groups = XkbKeyNumGroups(xkb.get(), kc);
    if (groups == 0) continue;
    const int group = state.group < groups ? state.group : 0;
    XkbKeyTypePtr type = XkbKeyKeyType(xkb.get(), kc, group);
    for (int level = 0; level < type->num_levels; ++level) {
      if (XkbKeySymEntry(xkb.get(), kc, level, group) != keysym) continue;
      // The fewest modifiers that select this level; level 0 needs none.
      int cost = level == 0 ? 0 : 99;
      unsigned mods = 0;
      for (int e = 0; level != 0 && e < type->map_count; ++e) {
        const XkbKTMapEntryRec& entry = type->map[e];
        if (!entry.active || entry.level != level) continue;
        const unsigned m = entry.mods.mask;
        if (m == 0 || (m & ~holdable_mods) != 0) continue;
        const int c = std::popcount(m);
        if (c < cost) cost = c, mods = m;
      }
      if (cost < best_cost) {
        best_cost = cost;
        best_mods = mods;
        out.keycode = static_cast<unsigned>(kc);
      }
    }
  }
  if (best_cost == 99) return false;
  // A key for each modifier bit: one bound to it in the modifier map whose symbol is a plain
  // modifier (Shift_L, ISO_Level3_Shift...), so that pressing it sets exactly that bit.
  out.modifier_keycodes.clear();
  for (unsigned bit = 1; bit <= Mod5Mask; bit <<= 1) {
    if (!(best_mods & bit)) continue;
    unsigned found = 0;
    for (int kc = xkb->min_key_code; kc <= xkb->max_key_code && !found; ++kc)
      if ((xkb->map->modmap[kc] & bit) && XkbKeyNumGroups(xkb.get(), kc) > 0 &&
          is_plain_modifier_keysym(XkbKeySymEntry(xkb.get(), kc, 0, 0)))
        found = static_cast<unsigned>(kc);
    if (!found) return false;
    out.modifier_keycodes.push_back(found);
  }
  return true;
}

bool input_injector_x11::remap_spare(unsigned long keysym, stroke& out) {
  // Already on a spare key?
  for (const auto& [keycode, mapped] : remapped_)
    if (mapped == keysym) {
      out = {keycode, {}};
      return true;
    }
  unsigned keycode = 0;
  if (remapped_.size() < spare_keycodes_.size()) {
    keycode = spare_keycodes_[remapped_.size()];
  } else if (!remapped_.empty()) {
    // All spares in use: take the oldest. Clients read keysyms when they process the event,
    // so a spare is reused only after every other one, never for two characters in a row.
    keycode = remapped_.front().first;
    remapped_.erase(remapped_.begin());
  } else {
    return false;
  }
  KeySym syms[2] = {keysym, keysym};
  x_error_trap trap(display_.get());
  XChangeKeyboardMapping(display_.get(), static_cast<int>(keycode), 2, syms, 1);
  trap.sync();
  if (trap.failed()) return false;
  remapped_.emplace_back(keycode, keysym);
  out = {keycode, {}};
  return true;
}

input_error input_injector_x11::type_text(std::string_view utf8) {
  if (dead_) return input_error::display_lost;
  std::vector<char32_t> chars;
  if (utf8.size() > max_text_bytes || !decode_utf8(utf8, chars))
    return input_error::invalid_argument;
  for (char32_t c : chars) {
    if (c == U'\r') continue;  // CR LF types one Return
    const unsigned long keysym = keysym_for(c);
    if (keysym == NoSymbol) return input_error::invalid_argument;
    stroke s;
    if (!lookup_keysym(keysym, s) && !remap_spare(keysym, s)) return input_error::unmappable;
    if (dead_) return input_error::display_lost;
    for (unsigned m : s.modifier_keycodes) press_key(m, true);
    press_key(s.keycode, true);
    press_key(s.keycode, false);
    for (auto it = s.modifier_keycodes.rbegin(); it != s.modifier_keycodes.rend(); ++it)
      press_key(*it, false);
    XFlush(display_.get());
  }
  return dead_ ? input_error::display_lost : input_error::none;
}

input_error input_injector_x11::special(std::string_view name) {
  if (dead_) return input_error::display_lost;
  const special_combination* combination = find_special(name);
  if (!combination) return input_error::unknown_special;
  // Keys the technician holds already stay as they are; the rest go down and up.
  std::vector<unsigned> pressed_here;
  for (std::string_view code : combination->chord) {
    const std::uint16_t key = protocol::key_code_index(code).value_or(std::uint16_t{0});
    if (std::find(held_keys_.begin(), held_keys_.end(), key) != held_keys_.end()) continue;
    const unsigned keycode = keycode_for(key);
    press_key(keycode, true);
    pressed_here.push_back(keycode);
  }
  for (auto it = pressed_here.rbegin(); it != pressed_here.rend(); ++it) press_key(*it, false);
  XFlush(display_.get());
  return input_error::none;
}

pressed_state input_injector_x11::pressed() const {
  pressed_state state;
  for (const std::uint16_t k : held_keys_) state.keys.emplace_back(protocol::key_table()[k].code);
  state.buttons = held_buttons_;
  return state;
}

pressed_state input_injector_x11::release_all() {
  pressed_state released = pressed();
  if (!dead_) {
    for (auto it = held_keys_.rbegin(); it != held_keys_.rend(); ++it)
      press_key(keycode_for(*it), false);
    for (int b : held_buttons_) press_button(b, false);
    XSync(display_.get(), False);
  }
  held_keys_.clear();
  held_buttons_.clear();
  return released;
}

}  // namespace visit::input::x11

namespace visit::input {

std::unique_ptr<input_injector> make_input_injector(const std::string& display_name,
                                                    injection_ledger* ledger, std::string& error) {
  return x11::input_injector_x11::create(display_name, ledger, error);
}

}  // namespace visit::input
