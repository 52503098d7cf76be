// Where the session hub sends what a customer must hear: implemented by the customer's
// WebSocket session (which builds and sequences the messages), and by fakes in tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

#include "protocol/message.hpp"

namespace visit::server {

class customer_sink {
 public:
  // frame_ack naming the newest frame taken into the screen model (acks are cumulative, so a
  // sink may coalesce them).
  virtual void send_frame_ack(std::uint32_t acked_sequence) = 0;
  // viewers {"count": N} (latest wins).
  virtual void send_viewer_count(std::size_t count) = 0;
  // A message forwarded to the customer (control_request, input, paste_text, clipboard), in
  // order; the sink sequences it. A sink may drop messages beyond a byte bound.
  virtual void send(protocol::message_type type, std::vector<std::uint8_t> payload) = 0;
  // close_reason, then close (server shutdown).
  virtual void close(protocol::close_code code, std::string_view message) = 0;

 protected:
  ~customer_sink() = default;
};

}  // namespace visit::server
