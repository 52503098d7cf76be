#include "client/window_share.hpp"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "client/client_log.hpp"

namespace visit::client {

namespace {

std::string hex_id(std::uint64_t id) {
  char buf[24];
  std::snprintf(buf, sizeof buf, "0x%llx", static_cast<unsigned long long>(id));
  return buf;
}

// "0x1a00007" or a decimal id; nullopt for anything else.
std::optional<std::uint64_t> parse_window_id(std::string_view s) {
  if (s.empty() || s.size() > 18) return std::nullopt;
  int base = 10;
  if (s.starts_with("0x") || s.starts_with("0X")) {
    s.remove_prefix(2);
    base = 16;
  }
  if (s.empty()) return std::nullopt;
  std::uint64_t v = 0;
  for (const char c : s) {
    int d = -1;
    if (c >= '0' && c <= '9') d = c - '0';
    if (base == 16 && c >= 'a' && c <= 'f') d = c - 'a' + 10;
    if (base == 16 && c >= 'A' && c <= 'F') d = c - 'A' + 10;
    if (d < 0) return std::nullopt;
    v = v * static_cast<std::uint64_t>(base) + static_cast<std::uint64_t>(d);
  }
  return v;
}

}  // namespace

// ---- window_share ---------------------------------------------------------------------------

window_share::window_share(std::unique_ptr<capture::window_tracker> tracker)
    : tracker_(std::move(tracker)) {}

void window_share::set_waker(std::function<void()> wake) {
  std::lock_guard lock(mutex_);
  wake_ = std::move(wake);
}

void window_share::wake() {
  std::function<void()> w;
  {
    std::lock_guard lock(mutex_);
    w = wake_;
  }
  if (w) w();
}

window_share::result window_share::start_watching_locked(std::uint64_t id, std::string title_hint) {
  if (!tracker_) return {false, "sharing one window is not available on this display"};
  std::string error;
  if (!tracker_->watch(id, error)) return {false, error};
  window_mode_ = true;
  snap_ = {};
  update_locked(clock::now(), true);
  title_ = protocol::bounded_title(snap_.title.empty() ? title_hint : snap_.title);
  ++generation_;
  const std::string state(protocol::to_string(state_locked()));
  log_line("sharing only window " + hex_id(id) + " \"" + printable(title_, 80) + "\" (" + state +
           ")");
  return {true, "sharing only window " + hex_id(id) + " \"" + printable(title_, 80) + "\" (" +
                    state + ")"};
}

window_share::result window_share::share_window(std::uint64_t id) {
  result r;
  {
    std::lock_guard lock(mutex_);
    r = start_watching_locked(id, {});
  }
  if (r.ok) wake();
  return r;
}

window_share::result window_share::share_window_named(std::string_view title) {
  result r;
  {
    std::lock_guard lock(mutex_);
    if (!tracker_) return {false, "sharing one window is not available on this display"};
    std::string error;
    const std::uint64_t id = tracker_->find_window(title, error);
    if (id == 0) return {false, error};
    r = start_watching_locked(id, std::string(title));
  }
  if (r.ok) wake();
  return r;
}

window_share::result window_share::share_desktop() {
  {
    std::lock_guard lock(mutex_);
    if (!window_mode_) return {true, "already sharing the whole desktop"};
    if (tracker_) tracker_->unwatch();
    window_mode_ = false;
    title_.clear();
    snap_ = {};
    ++generation_;
  }
  log_line("sharing the whole desktop");
  wake();
  return {true, "sharing the whole desktop"};
}

window_share::result window_share::handle_command(std::string_view args) {
  if (args == "desktop") return share_desktop();
  if (args.starts_with("window ") && args.size() > 7) {
    const std::string_view target = args.substr(7);
    if (const auto id = parse_window_id(target)) return share_window(*id);
    if (target.size() > 1024 || !protocol::is_valid_utf8(target)) {
      return {false, "a window name must be valid UTF-8 of at most 1024 bytes"};
    }
    return share_window_named(target);
  }
  return {false, "usage: share window 0xID|NAME, share desktop"};
}

std::string window_share::status_lines() {
  std::lock_guard lock(mutex_);
  // Nothing while the whole desktop is shared and nothing was ever refused (the status of a
  // client that never limited its scope reads as it always did).
  if (!window_mode_ && refused_pointer_ == 0 && refused_keys_ == 0) return {};
  std::string out;
  if (!window_mode_) {
    out = "share: desktop\n";
  } else {
    update_locked(clock::now(), false);
    out = "share: window " + hex_id(tracker_->watched()) + " \"" + printable(title_, 80) + "\" " +
          std::string(protocol::to_string(state_locked())) + "\n";
  }
  out += "refused: " + std::to_string(refused_pointer_) + " pointer, " +
         std::to_string(refused_keys_) + " keyboard\n";
  return out;
}

protocol::window_state window_share::state_locked() const {
  if (!snap_.exists) return protocol::window_state::closed;
  if (!snap_.viewable) return protocol::window_state::minimised;
  return protocol::window_state::visible;
}

void window_share::update_locked(clock::time_point now, bool force) {
  if (!window_mode_ || !tracker_) return;
  const std::uint64_t events = tracker_->poll_events(false);
  tracker_->title_changed();  // the title told to the technician is the one shared
  if (!force && events == snap_events_ && now < next_recheck_) return;
  // Counted before looking: anything that happens while we look makes the view stale.
  snap_events_ = events;
  next_recheck_ = now + recheck_interval;
  capture::window_snapshot s = tracker_->snapshot();
  if (s == snap_) return;
  const auto before = state_locked();
  snap_ = std::move(s);
  ++generation_;
  const auto after = state_locked();
  if (before != after && !force) {
    log_line("shared window " + hex_id(tracker_->watched()) + " is now " +
             std::string(protocol::to_string(after)));
  }
}

void window_share::drain_events() {
  std::lock_guard lock(mutex_);
  if (!window_mode_ || !tracker_) return;
  tracker_->poll_events(false);  // counted: the next current() looks again
}

window_share::view window_share::current(clock::time_point now) {
  std::lock_guard lock(mutex_);
  update_locked(now, false);
  view v;
  v.generation = generation_;
  v.events = snap_events_;
  if (window_mode_) {
    protocol::screen_scope scope;
    scope.kind = protocol::scope_kind::window;
    scope.title = title_;
    scope.state = state_locked();
    v.scope = std::move(scope);
    if (v.scope->state == protocol::window_state::visible) v.visible = snap_.visible;
  }
  return v;
}

bool window_share::still_valid(const view& v) {
  std::lock_guard lock(mutex_);
  if (!window_mode_) return !v.scope;
  if (!tracker_ || v.generation != generation_) return false;
  return tracker_->poll_events(true) == v.events;
}

bool window_share::inside_locked(int x, int y) const {
  if (state_locked() != protocol::window_state::visible) return false;
  return std::any_of(snap_.visible.begin(), snap_.visible.end(), [&](const rect& r) {
    return x >= r.x && y >= r.y && x < r.right() && y < r.bottom();
  });
}

bool window_share::limited() {
  std::lock_guard lock(mutex_);
  return window_mode_;
}

bool window_share::pointer_allowed(int x, int y) {
  std::lock_guard lock(mutex_);
  if (!window_mode_) return true;
  update_locked(clock::now(), false);
  return inside_locked(x, y);
}

bool window_share::keyboard_allowed() {
  std::lock_guard lock(mutex_);
  if (!window_mode_) return true;
  update_locked(clock::now(), false);
  return state_locked() == protocol::window_state::visible && tracker_->has_focus();
}

bool window_share::wheel_allowed() {
  std::lock_guard lock(mutex_);
  if (!window_mode_) return true;
  update_locked(clock::now(), false);
  const auto p = tracker_->pointer();
  return p && inside_locked(p->first, p->second);
}

std::pair<std::uint64_t, std::uint64_t> window_share::count_refusal(bool keyboard) {
  std::lock_guard lock(mutex_);
  ++(keyboard ? refused_keys_ : refused_pointer_);
  return {refused_pointer_, refused_keys_};
}

// ---- frame_mask -----------------------------------------------------------------------------

bool frame_mask::mask_cell(const frame_view& screen, const std::vector<rect>& region,
                           const rect& cell) {
  bool changed = false;
  const std::size_t bytes = static_cast<std::size_t>(cell.w) * 4;
  row_.resize(bytes);
  for (int y = cell.y; y < cell.bottom(); ++y) {
    std::fill(row_.begin(), row_.end(), std::uint8_t{0});
    for (const rect& r : region) {
      if (y < r.y || y >= r.bottom()) continue;
      const int l = std::max(r.x, cell.x), rt = std::min(r.right(), cell.right());
      if (rt <= l) continue;
      std::memcpy(row_.data() + static_cast<std::size_t>(l - cell.x) * 4,
                  screen.row(y) + static_cast<std::size_t>(l) * 4,
                  static_cast<std::size_t>(rt - l) * 4);
    }
    std::uint8_t* dst = buffer_.row(y) + static_cast<std::size_t>(cell.x) * 4;
    if (std::memcmp(dst, row_.data(), bytes) != 0) {
      std::memcpy(dst, row_.data(), bytes);
      changed = true;
    }
  }
  return changed;
}

frame_view frame_mask::apply(const frame_view& screen, const std::vector<rect>& region,
                             std::span<const rect> cells, bool all, std::vector<rect>& changed) {
  changed.clear();
  if (buffer_.width != screen.width || buffer_.height != screen.height) {
    buffer_ = frame_buffer(screen.width, screen.height);  // black
    region_.clear();
    all = true;
  }
  // The buffer is black outside region_ (the region of the last call). So a cell that meets
  // neither region_ nor `region` is black before and after: only the others are looked at.
  const auto touches = [&](const rect& cell) {
    const auto meets = [&](const rect& r) { return !r.intersect(cell).empty(); };
    return std::any_of(region.begin(), region.end(), meets) ||
           std::any_of(region_.begin(), region_.end(), meets);
  };
  const rect bounds{0, 0, screen.width, screen.height};
  if (all) {
    for (int y = 0; y < screen.height; y += protocol::cell_size) {
      for (int x = 0; x < screen.width; x += protocol::cell_size) {
        const rect cell = rect{x, y, protocol::cell_size, protocol::cell_size}.intersect(bounds);
        if (touches(cell) && mask_cell(screen, region, cell)) changed.push_back(cell);
      }
    }
  } else {
    for (const rect& c : cells) {
      const rect cell = c.intersect(bounds);
      if (!cell.empty() && touches(cell) && mask_cell(screen, region, cell))
        changed.push_back(cell);
    }
  }
  region_ = region;
  return buffer_.view();
}

// ---- scoped_input_sink ----------------------------------------------------------------------

void scoped_input_sink::refuse(bool keyboard) {
  const auto [pointer, keys] = share_.count_refusal(keyboard);
  ++(keyboard ? unlogged_keys_ : unlogged_pointer_);
  const auto now = std::chrono::steady_clock::now();
  if (now < next_log_) return;
  next_log_ = now + std::chrono::seconds(1);
  log_line("input refused outside the shared window: " + std::to_string(unlogged_pointer_) +
           " pointer, " + std::to_string(unlogged_keys_) + " keyboard (" + std::to_string(pointer) +
           " pointer, " + std::to_string(keys) + " keyboard in all)");
  unlogged_pointer_ = unlogged_keys_ = 0;
}

void scoped_input_sink::pointer_move(std::uint16_t x, std::uint16_t y) {
  if (!share_.pointer_allowed(x, y)) return refuse(false);
  last_x_ = x;
  last_y_ = y;
  inner_.pointer_move(x, y);
}

void scoped_input_sink::button(std::uint8_t button, bool pressed, std::uint16_t x,
                               std::uint16_t y) {
  const std::uint32_t bit = 1u << (button & 31);
  if (!pressed && (held_buttons_ & bit) != 0) {
    // The release of a press let through always goes, but never outside: at the last place
    // inside if the pointer has left (a drag never drops onto another window).
    held_buttons_ &= ~bit;
    if (share_.pointer_allowed(x, y)) {
      last_x_ = x;
      last_y_ = y;
    }
    return inner_.button(button, false, last_x_, last_y_);
  }
  if (!share_.pointer_allowed(x, y)) return refuse(false);
  if (pressed) held_buttons_ |= bit;
  last_x_ = x;
  last_y_ = y;
  inner_.button(button, pressed, x, y);
}

void scoped_input_sink::wheel(std::int16_t dx, std::int16_t dy) {
  if (!share_.wheel_allowed()) return refuse(false);
  inner_.wheel(dx, dy);
}

void scoped_input_sink::key(std::uint16_t code, bool pressed) {
  const auto held = std::find(held_keys_.begin(), held_keys_.end(), code);
  if (!pressed && held != held_keys_.end()) {
    held_keys_.erase(held);  // a key let down is always let up, wherever the focus went
    return inner_.key(code, false);
  }
  if (!share_.keyboard_allowed()) return refuse(true);
  if (pressed && held_keys_.size() < 256) held_keys_.push_back(code);
  inner_.key(code, pressed);
}

void scoped_input_sink::special(protocol::special_key key) {
  // Of the combinations only Alt+F4 acts on the focused window alone; the others (task
  // switching, the system menu, Ctrl+Alt+Del, print screen) act on the whole desktop.
  if (share_.limited() && key != protocol::special_key::alt_f4) return refuse(true);
  if (!share_.keyboard_allowed()) return refuse(true);
  inner_.special(key);
}

void scoped_input_sink::paste_text(std::string_view utf8) {
  if (!share_.keyboard_allowed()) return refuse(true);
  inner_.paste_text(utf8);
}

released_input scoped_input_sink::release_all() {
  held_buttons_ = 0;
  held_keys_.clear();
  return inner_.release_all();
}

}  // namespace visit::client
