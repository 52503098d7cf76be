// Where the session hub sends a viewer's messages: implemented by the viewer's WebSocket
// session, and by fakes in tests.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>

namespace visit::server {

using shared_message = std::shared_ptr<const std::vector<std::uint8_t>>;

class viewer_sink {
 public:
  // Writes one whole protocol message (already sequenced by the hub). The hub has at most one
  // send() outstanding: it sends again only after the sink reported the write complete through
  // session_hub::on_viewer_write_done.
  virtual void send(shared_message message) = 0;
  // Writes `close_reason` after anything already sent, then closes the connection. The hub
  // sends nothing more; the sink still calls session_hub::remove_viewer when it ends.
  virtual void close(shared_message close_reason) = 0;

 protected:
  ~viewer_sink() = default;
};

}  // namespace visit::server
