// The capture thread's work: wait for damage, capture, collect changed cells, encode, and hand
// frames to the network thread within the credit window; send the cursor alongside.
//
// Send rules (docs/protocol.md §3):
// - Nothing is captured while there is no connection or no viewer.
// - A new connection, and every 0 -> N viewers change (link_status::refresh), makes the next
//   frame cover the whole screen; a new connection or screen size sends screen_info first.
// - `pending` holds every cell changed since the last frame handed over. While no frame may go
//   (out of credit, or the previous frame not yet taken), nothing is captured or encoded: the
//   capturer keeps the damage, and when a frame may go again one capture adds its changed
//   cells to `pending` and one frame carries the latest content of all of them. A cell is
//   removed from `pending` only when a frame holding it was accepted, so nothing is lost, and
//   a cell is sent again only if it changed again.
// - Frames are at most ~60 per second; a frame never exceeds the protocol's payload limit
//   (cells that do not fit stay pending for the next frame).
// - Cursor: the shape when it changes (and again for a new connection or viewer join), the
//   position when it moves, polled at most ~30 times a second, only while someone watches.
//
// - Scope (window_share): when one window is shared, every capture is masked (frame_mask)
//   before the cells are collected and encoded, so nothing outside the window's visible region
//   reaches the encoder; a capture made while the window moved or was covered is dropped and
//   redone. A change of scope or of the window's state sends screen_info (with "scope") and a
//   whole frame; the cursor position outside the region is sent as hidden.
//
// Thread-safety: one thread (the capture thread) calls everything. Lifetime: the capturer and
// the uplink outlive the pipeline.
#pragma once
#include <chrono>
#include <cstdint>
#include <optional>
#include <vector>

#include "capture/screen_capturer.hpp"
#include "client/uplink.hpp"
#include "client/window_share.hpp"
#include "codec/tile_codec.hpp"
#include "common/cell_grid.hpp"
#include "protocol/message.hpp"

namespace visit::client {

struct pipeline_settings {
  std::chrono::microseconds min_frame_interval{16'667};  // ~60 frames per second at most
  std::chrono::milliseconds cursor_poll_interval{33};    // ~30 position polls per second
  std::chrono::milliseconds retry_interval{50};          // after capture_result::error_temporary
  std::size_t max_frame_payload = protocol::max_frame_payload;
};

struct pipeline_stats {
  std::uint64_t captures = 0;
  std::uint64_t frames = 0;
  std::uint64_t full_frames = 0;
  std::uint64_t tiles = 0;
  std::uint64_t frame_bytes = 0;
  std::uint64_t cursor_shapes = 0;
  std::uint64_t cursor_positions = 0;
  std::uint64_t stale_captures = 0;  // dropped: the shared window changed during the grab
};

class frame_pipeline {
 public:
  using clock = std::chrono::steady_clock;

  enum class step_kind {
    again,            // call step() again at once
    wait_for_screen,  // block in capturer.wait_for_change() until `deadline`
    wait_for_link,    // block in uplink.wait(seen, deadline)
    stop,             // the client is stopping
    failed,           // the capturer failed for good (capture_result::error_permanent)
  };
  struct step_result {
    step_kind kind = step_kind::again;
    clock::time_point deadline = clock::time_point::max();
    link_status seen;
  };

  frame_pipeline(capture::screen_capturer& capturer, uplink& link, pipeline_settings settings = {});

  // Limits what is sent to what `share` allows (it outlives the pipeline); call before run().
  void set_window_share(window_share* share) { share_ = share; }

  // Loops step() and block() until the link says stopping (returns true) or the capturer
  // fails for good (returns false).
  bool run();

  // One round of work at time `now`, never blocking; says what to wait for next.
  step_result step(clock::time_point now);
  // Waits as `r` says (returns at once for again/stop/failed).
  void block(const step_result& r);

  const pipeline_stats& stats() const { return stats_; }
  // Cells changed and not yet handed over (for tests and diagnostics).
  const cell_set& pending() const { return pending_; }

 private:
  enum class send_outcome { sent, nothing, retry, failed };

  void sync(const link_status& st);
  void sync_scope(clock::time_point now);
  void poll_cursor(clock::time_point now, std::uint64_t connection);
  send_outcome capture_and_send(std::uint64_t connection);
  bool send_pending(std::uint64_t connection);

  capture::screen_capturer& capturer_;  // outlives the pipeline
  uplink& link_;                        // outlives the pipeline
  pipeline_settings settings_;
  codec::tile_encoder encoder_;

  capture::captured_frame frame_;  // the latest capture; its pixels belong to the capturer
  frame_view screen_;              // what is encoded: frame_.screen, or the mask's copy of it
  cell_set pending_;
  std::vector<std::size_t> batch_;   // cells of the frame being built
  std::vector<std::uint8_t> tiles_;  // their tile records, back to back

  std::uint64_t connection_ = 0;  // the connection the state below belongs to
  std::uint64_t refresh_ = 0;
  bool force_full_ = true;        // next capture reports every cell
  bool send_screen_info_ = true;  // next frame is preceded by screen_info
  bool damage_ = false;           // wait_for_change() said there is something to look at
  clock::time_point next_frame_at_{};
  clock::time_point next_cursor_poll_{};

  std::optional<capture::cursor_image> cursor_;  // the latest shape, clipped to the limits
  bool cursor_dirty_ = false;
  std::optional<protocol::cursor_position> last_position_;

  window_share* share_ = nullptr;  // optional; outlives the pipeline
  window_share::view scope_;       // the latest view of it
  bool mask_dirty_ = false;        // the region changed: recompute every masked cell
  bool regrab_ = false;            // a grab was dropped: the next one takes the whole screen
  frame_mask mask_;
  std::vector<rect> masked_cells_;  // scratch

  pipeline_stats stats_;
};

}  // namespace visit::client
