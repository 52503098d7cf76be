// The capture thread's view of the network: what the connection wants (is it up, how many
// viewers, may a frame go now) and where finished messages go. Implemented by uplink_mailbox
// (the real hand-off to the network thread) and by fakes in tests.
// Thread-safety: implementations are called from the capture thread and must be thread-safe
// against their own network side.
#pragma once
#include <chrono>
#include <cstdint>
#include <vector>

namespace visit::client {

struct link_status {
  bool stopping = false;  // the client is shutting down: the capture thread returns
  std::uint64_t connection =
      0;                      // 0: no connection ready for screen data; else changes per connection
  int viewers = 0;            // technicians watching (the server's `viewers` count)
  std::uint64_t refresh = 0;  // increments whenever the next frame must cover the whole screen
  bool frame_slot_free = false;  // a frame offered now would be sent: credit left, slot empty

  bool operator==(const link_status&) const = default;
};

// One frame and, when the screen size is new to this connection, the `screen_info` that must
// precede it. Whole protocol messages; the network thread stamps their sequence numbers.
struct outgoing_frame {
  std::vector<std::uint8_t> screen_info;  // empty if none
  std::vector<std::uint8_t> frame;
};

class uplink {
 public:
  virtual ~uplink() = default;

  virtual link_status status() = 0;
  // Blocks until status() differs from `seen` or `deadline` passes (time_point::max(): no
  // deadline). May return early.
  virtual void wait(const link_status& seen, std::chrono::steady_clock::time_point deadline) = 0;
  // Hands a frame over for connection `connection`. Returns false (and drops it) if that
  // connection is gone or no slot is free; the caller then keeps its cells pending.
  virtual bool offer_frame(std::uint64_t connection, outgoing_frame frame) = 0;
  // Latest-wins: a newer cursor message replaces one not yet sent.
  virtual void offer_cursor_shape(std::uint64_t connection, std::vector<std::uint8_t> message) = 0;
  virtual void offer_cursor_position(std::uint64_t connection,
                                     std::vector<std::uint8_t> message) = 0;
};

}  // namespace visit::client
