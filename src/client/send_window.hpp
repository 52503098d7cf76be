// The frames sent on one connection and not yet acknowledged, by sequence number.
// A frame_ack names the newest frame the server has taken in; it releases that frame and
// every older one. An ack newer than any frame sent is a protocol error; an ack older than
// every unacknowledged frame (a repeat) releases nothing.
// Thread-safety: none; owned by the network thread.
#pragma once
#include <cstddef>
#include <cstdint>
#include <deque>
#include <optional>

namespace visit::client {

class send_window {
 public:
  // A frame with `sequence` was written. Sequences increase.
  void sent(std::uint32_t sequence);
  // How many frames the ack of `sequence` released, or nullopt if no frame with that
  // sequence or a newer one was ever sent.
  std::optional<std::uint32_t> acked(std::uint32_t sequence);
  std::size_t in_flight() const { return unacked_.size(); }

 private:
  std::deque<std::uint32_t> unacked_;
  std::uint32_t newest_sent_ = 0;  // 0: no frame sent yet (sequences start at 1)
};

}  // namespace visit::client
