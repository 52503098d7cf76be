// Single-application sharing (docs/architecture.md "Sharing one window"): the customer may
// limit the session to one application window. Three parts:
//
// - window_share: what is shared (the desktop, or one window by id or exact title), and where
//   that window's visible pixels are now, from capture::window_tracker. The customer changes
//   it locally (--share-window, --share-window-name, `visit-client ctl share ...`); the network
//   never does.
// - frame_mask: the capture thread's copy of the screen with every pixel outside the visible
//   region black. frame_pipeline encodes from it, so masked pixels never reach the encoder.
// - scoped_input_sink: remote input outside the visible region, or keys while another window
//   has the focus, is refused and counted before it reaches the real input_sink.
//
// Thread-safety: window_share may be called from any thread (one mutex; the tracker's X
// connection is used under it only). frame_mask belongs to the capture thread,
// scoped_input_sink to the network thread.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "capture/window_tracker.hpp"
#include "client/input_sink.hpp"
#include "common/frame.hpp"
#include "common/geometry.hpp"
#include "protocol/screen_info.hpp"

namespace visit::client {

class window_share {
 public:
  using clock = std::chrono::steady_clock;
  // A fresh look at the window at least this often, events or not.
  static constexpr std::chrono::milliseconds recheck_interval{500};

  // `tracker` may be null (no window system support): then only the desktop can be shared.
  explicit window_share(std::unique_ptr<capture::window_tracker> tracker);
  window_share(const window_share&) = delete;
  window_share& operator=(const window_share&) = delete;

  // Called (any thread, outside the lock) after every change of scope, to wake the capture
  // thread so the new screen_info and a full frame go out at once.
  void set_waker(std::function<void()> wake);

  struct result {
    bool ok = false;
    std::string message;
  };
  result share_window(std::uint64_t id);
  result share_window_named(std::string_view title);
  result share_desktop();
  // The ctl command's argument: "window 0xID", "window NAME" or "desktop".
  result handle_command(std::string_view args);
  // "share: window 0x... "TITLE" visible|minimised|closed" (or "share: desktop"), then
  // "refused: N pointer, M keyboard"; each line ends with '\n'. Empty while the desktop is
  // shared and nothing was ever refused.
  std::string status_lines();

  // Reads the window events queued so far (cheap, no round trip). The capture thread does it
  // on every step while someone watches; call it now and then otherwise (client_app: every
  // second on the network thread) so that nothing piles up while nobody watches.
  void drain_events();

  // ---- capture thread --------------------------------------------------------------------
  struct view {
    std::uint64_t generation = 0;                 // changes whenever anything below does
    std::optional<protocol::screen_scope> scope;  // nullopt: the desktop, nothing masked
    std::vector<rect> visible;                    // window: the only pixels that may be sent
    std::uint64_t events = 0;                     // for still_valid()
  };
  // The view as of now: queued window events are read, and the window looked at again when
  // they say it may have changed (or recheck_interval has passed).
  view current(clock::time_point now);
  // After a grab: a round trip, then true if no event that may move, cover or uncover the
  // window happened since `v` was made. False: the grab may not match v.visible; drop it.
  bool still_valid(const view& v);

  // ---- network thread (input) ------------------------------------------------------------
  // One window is shared (not the desktop).
  bool limited();
  // Desktop: always; window: (x, y) is inside the visible region now.
  bool pointer_allowed(int x, int y);
  // Desktop: always; window: visible, and it (or a descendant) has the input focus.
  bool keyboard_allowed();
  // Wheel events go where the pointer is: allowed when the pointer is inside.
  bool wheel_allowed();
  // Counts one refused event; returns the totals {pointer, keyboard}.
  std::pair<std::uint64_t, std::uint64_t> count_refusal(bool keyboard);

 private:
  void update_locked(clock::time_point now, bool force);
  protocol::window_state state_locked() const;
  result start_watching_locked(std::uint64_t id, std::string title_hint);
  bool inside_locked(int x, int y) const;
  void wake();

  std::mutex mutex_;
  std::unique_ptr<capture::window_tracker> tracker_;  // used under mutex_ only
  std::function<void()> wake_;
  bool window_mode_ = false;
  std::string title_;  // bounded, valid UTF-8: what the technician is told
  capture::window_snapshot snap_;
  std::uint64_t snap_events_ = 0;
  std::uint64_t generation_ = 1;
  clock::time_point next_recheck_{};
  std::uint64_t refused_pointer_ = 0, refused_keys_ = 0;
};

// The screen with everything outside a region black, kept between captures so that only
// cells whose masked pixels changed are reported.
class frame_mask {
 public:
  // Masks `screen` into the kept buffer. With `all` (new region, first use, new size) every
  // cell is recomputed, else only `cells`. `changed` receives the 64x64 cells whose masked
  // pixels differ from what the buffer held. Returns a view of the buffer.
  frame_view apply(const frame_view& screen, const std::vector<rect>& region,
                   std::span<const rect> cells, bool all, std::vector<rect>& changed);
  void reset() {
    buffer_ = {};
    region_.clear();
  }

 private:
  bool mask_cell(const frame_view& screen, const std::vector<rect>& region, const rect& cell);

  frame_buffer buffer_;
  std::vector<rect> region_;       // the region of the last apply(): black outside it
  std::vector<std::uint8_t> row_;  // scratch: one masked row of a cell
};

// Refuses remote input that is outside the shared window (see window_share) and passes the
// rest to `inner`. Refusals are counted and logged (counts only, never which key).
class scoped_input_sink final : public input_sink {
 public:
  scoped_input_sink(input_sink& inner, window_share& share) : inner_(inner), share_(share) {}

  void pointer_move(std::uint16_t x, std::uint16_t y) override;
  void button(std::uint8_t button, bool pressed, std::uint16_t x, std::uint16_t y) override;
  void wheel(std::int16_t dx, std::int16_t dy) override;
  void key(std::uint16_t code, bool pressed) override;
  void special(protocol::special_key key) override;
  void paste_text(std::string_view utf8) override;
  released_input release_all() override;

 private:
  void refuse(bool keyboard);

  input_sink& inner_;
  window_share& share_;
  std::uint32_t held_buttons_ = 0;  // buttons pressed through this filter, bit = button
  std::vector<std::uint16_t> held_keys_;
  std::uint16_t last_x_ = 0, last_y_ = 0;                   // the last pointer position let through
  std::uint64_t unlogged_pointer_ = 0, unlogged_keys_ = 0;  // refused since the last log line
  std::chrono::steady_clock::time_point next_log_{};
};

}  // namespace visit::client
