// The bounded, latest-wins hand-off between the capture thread and the network thread.
// It holds at most one frame (with its screen_info), one cursor shape and one cursor
// position: never a backlog. Frames are not replaced: the capture thread offers one only when
// the slot is free and keeps collecting changed cells meanwhile, so the frame it offers next
// carries the latest content. Cursor messages are replaced by newer ones.
// It also keeps the credit window's count (frames offered and not yet acknowledged, the one
// in the slot included), so the capture thread never encodes a frame that could not be sent.
//
// Thread-safety: all members are thread-safe (one mutex, held only for bookkeeping). The
// capture side is the `uplink` interface; the rest is called by the network thread.
#pragma once
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <mutex>
#include <optional>
#include <vector>

#include "client/uplink.hpp"

namespace visit::client {

class uplink_mailbox final : public uplink {
 public:
  // Set before either thread starts. `wake_capture` runs after every status change (outside
  // the lock, on the changing thread) so that a capture thread blocked in
  // screen_capturer::wait_for_change() returns. `network_ready` runs after every accepted
  // offer (outside the lock, on the capture thread); it must be cheap (post to the io_context).
  void set_capture_waker(std::function<void()> wake_capture);
  void set_network_notifier(std::function<void()> network_ready);

  // --- uplink: capture thread ---------------------------------------------------------------
  link_status status() override;
  void wait(const link_status& seen, std::chrono::steady_clock::time_point deadline) override;
  bool offer_frame(std::uint64_t connection, outgoing_frame frame) override;
  void offer_cursor_shape(std::uint64_t connection, std::vector<std::uint8_t> message) override;
  void offer_cursor_position(std::uint64_t connection, std::vector<std::uint8_t> message) override;

  // --- network thread -----------------------------------------------------------------------
  // The server's hello arrived: screen data may flow, with `credit` frames unacknowledged at
  // most. Starts with 0 viewers and an empty mailbox. Returns the new connection's id.
  std::uint64_t connection_opened(std::uint32_t credit);
  // The connection ended: whatever was not sent is dropped (the next connection starts over
  // with a full frame).
  void connection_closed();
  // The server's `viewers` count; 0 -> N asks for a whole-screen frame.
  void set_viewers(int count);
  // `count` frames were acknowledged (the send window counted them).
  void frames_acked(std::uint32_t count);

  struct outgoing_message {
    std::vector<std::uint8_t> bytes;
    bool is_frame = false;
  };
  // The next message to write, or nullopt if nothing is waiting. A screen_info always comes
  // out before its frame.
  std::optional<outgoing_message> take_next();
  // Stops the capture thread (status().stopping). Irreversible.
  void stop();

 private:
  link_status status_locked() const;
  void changed(std::unique_lock<std::mutex>& lock);

  std::mutex mutex_;
  std::condition_variable cv_;
  std::function<void()> wake_capture_;   // set before the threads start, then read-only
  std::function<void()> network_ready_;  // set before the threads start, then read-only
  bool stopping_ = false;
  bool connected_ = false;
  std::uint64_t connection_ = 0;
  std::uint64_t connections_made_ = 0;
  int viewers_ = 0;
  std::uint64_t refresh_ = 0;
  std::uint32_t credit_ = 0;
  std::uint32_t outstanding_ = 0;  // frames offered (slot included) and not yet acknowledged
  std::optional<outgoing_frame> frame_;
  std::optional<std::vector<std::uint8_t>> cursor_shape_;
  std::optional<std::vector<std::uint8_t>> cursor_position_;
};

}  // namespace visit::client
