// The state behind session_hub, shared by its two translation units: session_hub.cpp (customers,
// viewers joining and leaving, access control) and viewer_pacing.cpp (what each viewer is sent
// next, credit, acks). Internal to the hub: nothing else includes this.
// Thread-safety: every member is guarded by session_hub::mutex_.
#pragma once
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "common/cell_grid.hpp"
#include "server/live/json_messages.hpp"
#include "server/live/session_hub.hpp"

namespace visit::server {

struct session_hub::viewer_state {
  viewer_id id = 0;
  viewer_sink* sink = nullptr;  // valid until remove_viewer(id) (header contract)
  std::string technician_id;
  std::string technician_name;
  std::uint32_t next_sequence = 1;
  std::uint32_t last_sent_sequence = 0;
  std::deque<std::uint32_t> unacked;  // sequences of frames sent and not acknowledged
  bool in_flight = false;
  std::size_t in_flight_bytes = 0;
  bool closing = false;
  // Latest-wins slots: what the viewer still has to be told.
  bool hello_pending = true;
  bool screen_info_pending = false;
  bool cursor_shape_pending = false;
  bool cursor_position_pending = false;
  bool access_state_pending = false;
  std::vector<std::uint8_t> clipboard;  // latest-wins: the customer's clipboard for us
  bool clipboard_pending = false;
  std::uint64_t dropped_control = 0;
  bool last_was_cursor = false;  // alternate cursor and frames so neither starves
  cell_set dirty;                // cells whose latest tile this viewer has not been sent
  std::uint64_t frames_sent = 0;
  std::uint64_t bytes_sent = 0;

  bool has_credit() const { return !closing && unacked.size() < protocol::credit_frames; }
};

struct session_hub::request_state {
  std::string id;
  std::string viewer_hello;           // JSON, built once
  customer_sink* customer = nullptr;  // valid until remove_customer (header contract)
  bool has_screen = false;
  screen_size screen;
  cell_grid grid;                                // of `screen`; empty before the first
  std::string screen_info;                       // JSON, canonical
  std::vector<std::vector<std::uint8_t>> tiles;  // per cell of `grid`; empty = no content yet
  std::vector<std::uint8_t> cursor_shape;        // payload; empty = none yet
  std::vector<std::uint8_t> cursor_position;     // payload; empty = none yet
  std::string access_state;                      // latest access_state JSON; empty = none yet
  bool full_access = false;
  std::string controller_id;
  std::string last_controller_id;  // who held Full-Access last (audit attribution)
  // The controller whose departure ended Full-Access here, left out of `viewers` until the
  // customer's next access_state: a quick reconnect must not hide the departure from it.
  std::string unlisted_controller;
  std::uint32_t last_customer_frame = 0;
  bool ack_withheld = false;
  viewers_info announced;  // the customer was last told this
  std::vector<std::unique_ptr<viewer_state>> viewers;

  std::size_t active_viewers() const {
    return static_cast<std::size_t>(
        std::count_if(viewers.begin(), viewers.end(), [](const auto& v) { return !v->closing; }));
  }
  bool any_viewer_with_credit() const {
    return std::any_of(viewers.begin(), viewers.end(),
                       [](const auto& v) { return v->has_credit(); });
  }
};

inline shared_message share(std::vector<std::uint8_t> bytes) {
  return std::make_shared<const std::vector<std::uint8_t>>(std::move(bytes));
}

}  // namespace visit::server
