// A fake of the network side for frame_pipeline tests: the test sets the link's state and
// reads what the pipeline handed over. wait() never blocks.
#pragma once
#include <cstdint>
#include <vector>

#include "client/uplink.hpp"

namespace visit::client::testing {

class fake_uplink final : public uplink {
 public:
  // --- test side ---
  bool stopping = false;
  std::uint64_t connection = 1;
  int viewers = 0;
  std::uint64_t refresh = 0;
  std::uint32_t credit = 4;
  std::uint32_t outstanding = 0;  // frames accepted and not acknowledged
  std::vector<outgoing_frame> frames;
  std::vector<std::vector<std::uint8_t>> cursor_shapes;
  std::vector<std::vector<std::uint8_t>> cursor_positions;
  int waits = 0;

  // The server joined viewers after none (what uplink_mailbox does on 0 -> N).
  void set_viewers(int n) {
    if (viewers == 0 && n > 0) ++refresh;
    viewers = n;
  }
  void ack(std::uint32_t n) { outstanding -= n; }

  // --- uplink ---
  link_status status() override {
    link_status s;
    s.stopping = stopping;
    s.connection = connection;
    s.viewers = connection != 0 ? viewers : 0;
    s.refresh = refresh;
    s.frame_slot_free = connection != 0 && outstanding < credit;
    return s;
  }
  void wait(const link_status&, std::chrono::steady_clock::time_point) override { ++waits; }
  bool offer_frame(std::uint64_t conn, outgoing_frame frame) override {
    if (conn != connection || connection == 0 || outstanding >= credit) return false;
    frames.push_back(std::move(frame));
    ++outstanding;
    return true;
  }
  void offer_cursor_shape(std::uint64_t conn, std::vector<std::uint8_t> message) override {
    if (conn == connection) cursor_shapes.push_back(std::move(message));
  }
  void offer_cursor_position(std::uint64_t conn, std::vector<std::uint8_t> message) override {
    if (conn == connection) cursor_positions.push_back(std::move(message));
  }
};

}  // namespace visit::client::testing
