// Where the session hub sends what a customer must hear: implemented by the customer's
// WebSocket session (which builds and sequences the messages), and by fakes in tests.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "protocol/message.hpp"

namespace visit::server {

// A technician watching a request: login id and display name.
struct technician_ref {
  std::string id;
  std::string name;
  bool operator==(const technician_ref&) const = default;
};

// What a `viewers` message says (docs/protocol.md §3.1): how many viewers watch, and the
// distinct technicians among them (the controller first; at most max_listed).
struct viewers_info {
  static constexpr std::size_t max_listed = 16;  // 16 x (64 + 6 x 128 + 30) < 16 KiB
  std::size_t count = 0;
  std::vector<technician_ref> technicians;
  bool operator==(const viewers_info&) const = default;
};

class customer_sink {
 public:
  // frame_ack naming the newest frame taken into the screen model (acks are cumulative, so a
  // sink may coalesce them).
  virtual void send_frame_ack(std::uint32_t acked_sequence) = 0;
  // viewers {"count": N, "technicians": [...]} (latest wins).
  virtual void send_viewers(viewers_info info) = 0;
  // A message forwarded to the customer (control_request, input, paste_text, clipboard), in
  // order; the sink sequences it. A sink may drop messages beyond a byte bound.
  virtual void send(protocol::message_type type, std::vector<std::uint8_t> payload) = 0;
  // close_reason, then close (server shutdown).
  virtual void close(protocol::close_code code, std::string_view message) = 0;

 protected:
  ~customer_sink() = default;
};

}  // namespace visit::server
