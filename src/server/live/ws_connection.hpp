// The transport every live WebSocket shares (customer_connection, viewer_connection,
// console_connection derive from it): the WebSocket stream over TLS, the read loop, the one
// write in flight and its queue, the close handshake and the disconnect log line. A role class
// supplies only its rules through the hooks below.
//
// Reading (docs/security.md, "Limits"): message data is read in 64 KiB chunks, so a message
// over its type's limit is refused after at most one chunk more than that limit, never read
// whole; Beast itself refuses anything over the role's read_message_max. Every whole message
// is checked (binary only, protocol::parse_message, sequence exactly the previous + 1 from 1)
// before on_message() sees it; a close_reason from the peer is handled here for every role (it
// ends the connection with our close handshake). The first violation closes ONLY this
// connection: a close_reason, one `protocol_error` log line naming the error, then the close.
//
// Writing: one message in flight. The order is the queue (enqueue), then the close handshake
// once a close was asked for, then whatever the role's next_message() builds.
//
// Threading: every method and hook runs on the connection's strand, except post() and
// close_from_outside(), which may be called from any thread and hop onto it.
// Lifetime: shared_ptr, kept alive by its pending operations (and by what post() queues).
// on_finish() runs exactly once after on_open(), when the read loop ends, before the
// connection can be destroyed; nothing is written after it. A failed handshake is logged here
// and ends the connection with neither hook called.
// Failure: errors of the socket, TLS or WebSocket layers end the connection (on_finish with the
// reason); they are never thrown. Beast lives in ws_connection.cpp only (pimpl), so role
// classes compile without it.
#pragma once
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>

#include "protocol/message.hpp"
#include "server/http/connection_limiter.hpp"
#include "server/live/viewer_sink.hpp"  // shared_message

namespace visit::server {

class shared_state;
struct ws_upgrade;

class ws_connection : public std::enable_shared_from_this<ws_connection> {
 public:
  struct settings {
    std::string_view role;         // "customer" | "viewer" | "console", for log lines
    std::size_t read_message_max;  // Beast refuses a longer message at its frame header
    // The disconnect reason quotes the peer's close_reason text ("viewer sent close_reason
    // {...}"); a console's is not quoted.
    bool quote_peer_close_reason = true;
  };

  ws_connection(const ws_connection&) = delete;
  ws_connection& operator=(const ws_connection&) = delete;
  virtual ~ws_connection();

  // Accepts the upgrade; on success starts reading, then calls on_open(). Call once, on the
  // strand (http_session's, which the stream's executor is).
  void start();

 protected:
  ws_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                connection_limiter::slot slot, std::string peer, settings s);

  // --- hooks ---
  virtual void on_open() = 0;
  // A whole, valid, in-sequence message other than close_reason.
  virtual void on_message(const protocol::message_view& m) = 0;
  // The next message to write once the queue is empty, or null for none. Called whenever the
  // writer is idle (after a write, after flush()).
  virtual shared_message next_message() { return nullptr; }
  // A message enqueued with `report_written` finished writing (not called after on_finish).
  virtual void on_written() {}
  // Sends close_reason `code` and closes (incoming messages are already being ignored). The
  // default writes our own close_reason (close_with_reason); a viewer in the hub lets the hub
  // send it, since the hub owns that viewer's sequence.
  virtual void send_close_reason(protocol::close_code code, std::string_view message);
  // The connection ended; `why` is for the disconnect log line, which the role writes.
  virtual void on_finish(std::string_view why) = 0;
  // What follows "role=R address=IP:PORT" in log lines (" request=ID user=\"U\"").
  virtual std::string identity() const { return {}; }

  // --- services for the role ---
  std::string who() const;  // "role=R address=IP:PORT" + identity()
  const connection_limiter::slot& slot() const;
  bool finished() const;
  // Runs `fn` on the strand; any thread. The connection stays alive until `fn` has run.
  void post(std::function<void()> fn);
  template <class T>
  std::shared_ptr<T> shared_as() {
    return std::static_pointer_cast<T>(shared_from_this());
  }

  // Refuses the peer: one protocol_error log line, close_reason `code` with `detail`, close.
  // Once closing, later refusals are ignored.
  void refuse(protocol::close_code code, std::string_view what, std::string_view detail);
  // The same for an error a parser or the hub returned: a protocol::parse_error gives the close
  // code (close_code_for) and the log name; an error of any other category is refused as
  // protocol_error "unexpected_error".
  void refuse(const boost::system::error_code& ec, std::string_view detail);
  // Stops reading and closes with our own close_reason (no-op once a close is queued).
  void close_with_reason(protocol::close_code code, std::string_view message);
  // Stops reading and closes with `close_reason`, sequenced by someone else (the hub).
  void close_with(shared_message close_reason);
  // close_from_outside: any thread. The disconnect reason becomes `code` unless one is set; then
  // the same as a refusal without the log line (send_close_reason). Ignored once finished.
  void close_from_outside(protocol::close_code code, std::string_view message);
  // The disconnect log line's reason, overriding what the end of the read loop reports.
  void set_close_why(std::string why);

  // Queues a whole message and writes it when its turn comes (call flush()).
  void enqueue(shared_message message, bool report_written = false);
  void flush();
  // A JSON message with our next sequence number.
  shared_message own_message(protocol::message_type type, std::string_view json);
  // Takes our next sequence number (for messages the role builds itself).
  std::uint32_t next_sequence();

  // One deadline: `on_expiry` runs on the strand after `after` unless cancelled (or finished).
  void start_deadline(std::chrono::steady_clock::duration after, std::function<void()> on_expiry);
  void cancel_deadline();

  const std::shared_ptr<shared_state> state_;

 private:
  struct impl;

  void on_accept(boost::system::error_code ec);
  void do_read();
  void on_read(boost::system::error_code ec, std::size_t bytes);
  void on_read_error(boost::system::error_code ec);
  void on_whole_message();
  void closed_by_peer(const protocol::message_view& m);
  void on_write(boost::system::error_code ec, std::size_t bytes);
  void finish(std::string_view why);

  std::unique_ptr<impl> impl_;
};

}  // namespace visit::server
