// A screen_capturer whose screen a test sets by hand, for the unit tests of modules that
// consume captures (client pipeline, encoder loop). Changed cells come from the same differ
// as the real capturer, so over-reported damage is refined the same way.
//
// Thread-safety: the test side (set_frame, fill, set_cursor, set_cursor_position,
// fail_next_capture, capture_count) may be called from any thread, concurrently with the
// capture thread that calls the screen_capturer members.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <optional>
#include <span>
#include <vector>

#include "capture/differ.hpp"
#include "capture/screen_capturer.hpp"

namespace visit::capture {

class fake_screen_capturer final : public screen_capturer {
 public:
  // A black width x height screen with a 1x1 transparent cursor at (0, 0).
  fake_screen_capturer(int width, int height);

  // --- test side ---
  // Replaces the screen and damages all of it. A frame of another size acts as a RandR
  // change: the next capture reports size_changed and every cell.
  void set_frame(const frame_buffer& frame);
  // Replaces the screen but damages only `damage`, as XDamage would report it: the capturer
  // looks nowhere else, so changes outside `damage` go unseen until damaged.
  void set_frame(const frame_buffer& frame, std::span<const rect> damage);
  // Paints `r` (clipped to the screen) with one B,G,R,X pixel value and damages it.
  void fill(const rect& r, std::uint32_t bgrx);
  // The next cursor_if_changed() returns `image`, with its serial replaced by a new one.
  void set_cursor(cursor_image image);
  void set_cursor_position(cursor_state position);
  // The next capture() returns `result` and reports nothing; later ones work again.
  void fail_next_capture(capture_result result);
  // How many capture() calls returned success.
  std::uint64_t capture_count() const;

  // --- screen_capturer (capture thread) ---
  bool wait_for_change(std::chrono::milliseconds timeout) override;
  void wake() override;
  capture_result capture(captured_frame& out, bool full) override;
  std::optional<cursor_image> cursor_if_changed() override;
  cursor_state cursor_position() override;

 private:
  bool has_change_locked() const;

  mutable std::mutex mutex_;
  std::condition_variable changed_;
  // Guarded by mutex_: the live screen and what happened to it since the last capture.
  frame_buffer screen_;
  std::vector<rect> damage_;
  bool size_changed_ = true;
  bool woken_ = false;
  cursor_image cursor_;
  bool cursor_changed_ = true;
  std::uint64_t cursor_serial_ = 0;
  cursor_state position_;
  std::optional<capture_result> fail_next_;
  std::uint64_t captures_ = 0;

  // Capture thread only: the snapshot handed out in captured_frame::screen.
  frame_buffer captured_;
  std::vector<rect> damage_taken_;
  differ differ_;
};

}  // namespace visit::capture
