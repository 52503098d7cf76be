#include "capture/fake_screen_capturer.hpp"

#include <algorithm>
#include <cstring>

namespace visit::capture {

namespace {

void copy_rect(const frame_buffer& from, frame_buffer& to, const rect& r) {
  for (int y = r.y; y < r.bottom(); ++y) {
    std::memcpy(to.row(y) + static_cast<std::size_t>(r.x) * 4,
                from.pixels.data() + static_cast<std::size_t>(y) * from.stride() + r.x * 4,
                static_cast<std::size_t>(r.w) * 4);
  }
}

}  // namespace

fake_screen_capturer::fake_screen_capturer(int width, int height) : screen_(width, height) {
  cursor_.width = cursor_.height = 1;
  cursor_.rgba.assign(4, 0);
  cursor_.serial = ++cursor_serial_;
}

void fake_screen_capturer::set_frame(const frame_buffer& frame) {
  const rect all{0, 0, frame.width, frame.height};
  set_frame(frame, std::span<const rect>(&all, 1));
}

void fake_screen_capturer::set_frame(const frame_buffer& frame, std::span<const rect> damage) {
  {
    std::lock_guard lock(mutex_);
    if (frame.width != screen_.width || frame.height != screen_.height) size_changed_ = true;
    screen_ = frame;
    damage_.insert(damage_.end(), damage.begin(), damage.end());
  }
  changed_.notify_all();
}

void fake_screen_capturer::fill(const rect& r, std::uint32_t bgrx) {
  {
    std::lock_guard lock(mutex_);
    const rect c = r.intersect({0, 0, screen_.width, screen_.height});
    if (c.empty()) return;
    for (int y = c.y; y < c.bottom(); ++y) {
      std::uint8_t* p = screen_.row(y) + static_cast<std::size_t>(c.x) * 4;
      for (int x = 0; x < c.w; ++x) std::memcpy(p + static_cast<std::size_t>(x) * 4, &bgrx, 4);
    }
    damage_.push_back(c);
  }
  changed_.notify_all();
}

void fake_screen_capturer::set_cursor(cursor_image image) {
  {
    std::lock_guard lock(mutex_);
    cursor_ = std::move(image);
    cursor_.serial = ++cursor_serial_;
    cursor_changed_ = true;
  }
  changed_.notify_all();
}

void fake_screen_capturer::set_cursor_position(cursor_state position) {
  std::lock_guard lock(mutex_);
  position_ = position;
}

void fake_screen_capturer::fail_next_capture(capture_result result) {
  std::lock_guard lock(mutex_);
  fail_next_ = result;
}

std::uint64_t fake_screen_capturer::capture_count() const {
  std::lock_guard lock(mutex_);
  return captures_;
}

bool fake_screen_capturer::has_change_locked() const {
  return !damage_.empty() || size_changed_ || cursor_changed_;
}

bool fake_screen_capturer::wait_for_change(std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  changed_.wait_for(lock, timeout, [this] { return woken_ || has_change_locked(); });
  woken_ = false;
  return has_change_locked();
}

void fake_screen_capturer::wake() {
  {
    std::lock_guard lock(mutex_);
    woken_ = true;
  }
  changed_.notify_all();
}

capture_result fake_screen_capturer::capture(captured_frame& out, bool full) {
  out.changed_cells.clear();
  out.size_changed = false;
  {
    std::lock_guard lock(mutex_);
    if (fail_next_) {
      const capture_result result = *fail_next_;
      fail_next_.reset();
      return result;
    }
    if (size_changed_ || captured_.width != screen_.width || captured_.height != screen_.height) {
      captured_ = screen_;
      out.size_changed = true;
      full = true;
      size_changed_ = false;
      damage_.clear();
    } else {
      // Copy only what was damaged: like the real capturer, pixels outside the damage stay
      // as they were grabbed last time.
      const rect screen{0, 0, screen_.width, screen_.height};
      for (const rect& d : damage_) {
        const rect r = d.intersect(screen);
        if (!r.empty()) copy_rect(screen_, captured_, r);
      }
      if (full) captured_ = screen_;
    }
    damage_taken_.swap(damage_);
    damage_.clear();
    ++captures_;
  }
  differ_.diff(captured_.view(), damage_taken_, full, out.changed_cells);
  damage_taken_.clear();
  out.screen = captured_.view();
  return capture_result::success;
}

std::optional<cursor_image> fake_screen_capturer::cursor_if_changed() {
  std::lock_guard lock(mutex_);
  if (!cursor_changed_) return std::nullopt;
  cursor_changed_ = false;
  return cursor_;
}

cursor_state fake_screen_capturer::cursor_position() {
  std::lock_guard lock(mutex_);
  return position_;
}

}  // namespace visit::capture
