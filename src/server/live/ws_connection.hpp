// One WebSocket connection after the upgrade: a customer (/ws/customer), a viewer
// (/ws/view/{id}) or a Call Manager feed (/ws/console). The upgrade request has already passed
// every check (route, Origin, cookie, join authorisation) in http_session.
//
// Customer (docs/protocol.md §3.1, §3.4, §3.5): waits for hello (a session code in it is
// redeemed first: budgets, then one lookup), answers hello with the current wizard definition
// (+ paired_with), then waits up to 30 minutes for exactly one support_request, validates it
// against the definition version it names (visit_wizard), stores it byte-exact, routes it,
// answers request_filed and announces it to the Call Manager; only then does it register with
// the hub and feed it screen_info / frame / cursor messages. Anything else before
// request_filed is refused. It builds and sequences its own outgoing messages (frame_ack and
// viewers are latest-wins slots). On disconnect a waiting request becomes abandoned; one in
// session stays in session, offline.
// Console: registers with the console_feed and writes what it hands out, one message at a
// time (the feed bounds each console's queue); anything the console sends closes it.
// Viewer: joins the hub, which sequences and paces everything the viewer receives; it feeds
// the hub the viewer's frame_acks.
// Either: every incoming message is checked (binary only, parse_message, strictly increasing
// sequence from 1, types allowed for the role); the first violation closes ONLY this
// connection with a close_reason and one log line naming the error.
//
// Threading: all work runs on the connection's strand; the sink methods (called by the hub
// from any thread, hub mutex held) and shut_down() post to it. One write is in flight.
// Lifetime: shared_ptr, kept alive by its pending operations. It leaves the hub (and the
// viewer registry) exactly once, when its read loop ends, before it can be destroyed.
#pragma once
#include <boost/asio/ssl/stream.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <chrono>
#include <deque>
#include <memory>
#include <optional>
#include <string>

#include "server/http/connection_limiter.hpp"
#include "server/live/console_feed.hpp"
#include "server/live/customer_sink.hpp"
#include "server/live/live_connection.hpp"
#include "server/live/session_hub.hpp"
#include "server/live/viewer_sink.hpp"

namespace visit::server {

class shared_state;

class websocket_session : public std::enable_shared_from_this<websocket_session>,
                          public customer_sink,
                          public viewer_sink,
                          public live_connection,
                          public console_feed::sink {
 public:
  using tls_stream = boost::beast::ssl_stream<boost::beast::tcp_stream>;
  enum class role { customer, viewer, console };

  struct viewer_identity {
    std::string request_id;  // empty for a console
    std::string login_key;   // the login session's key (hash of its token)
    std::string username;
    std::string role;
  };

  // How long a customer may take between its hello and support_request (§3.1).
  static constexpr std::chrono::minutes request_deadline{30};

  websocket_session(tls_stream&& stream, std::shared_ptr<shared_state> state,
                    connection_limiter::slot slot, std::string peer, role r,
                    std::optional<viewer_identity> viewer);
  ~websocket_session();

  // Accepts the upgrade and starts reading.
  void run(boost::beast::http::request<boost::beast::http::string_body> request);

  // customer_sink
  void send_frame_ack(std::uint32_t acked_sequence) override;
  void send_viewers(viewers_info info) override;
  void send(protocol::message_type type, std::vector<std::uint8_t> payload) override;
  void close(protocol::close_code code, std::string_view message) override;
  // viewer_sink
  void send(shared_message message) override;
  void close(shared_message close_reason) override;
  // live_connection
  void shut_down(protocol::close_code code, std::string_view message) override;
  // console_feed::sink
  void wake() override;

 private:
  struct outgoing {
    shared_message bytes;
    bool from_hub = false;  // a viewer_sink::send: report its completion to the hub
  };

  void on_accept(boost::beast::error_code ec);
  void do_read();
  void on_read(boost::beast::error_code ec, std::size_t bytes);
  void on_read_error(boost::beast::error_code ec);
  void on_customer_message(const protocol::message_view& m);
  void on_viewer_message(const protocol::message_view& m);
  void start_viewer();
  void start_console();
  void on_customer_hello(const protocol::message_view& m);
  void on_support_request(const protocol::message_view& m);
  // Refuses the peer: close_reason `code`, a log line, then the close handshake.
  void refuse(protocol::close_code code, std::string_view what, std::string_view detail);
  void close_locally(protocol::close_code code, std::string_view message);
  void closed_by_peer();
  shared_message own_message(protocol::message_type type, std::string_view json);
  void enqueue(outgoing o);
  void do_write();
  void on_write(boost::beast::error_code ec, std::size_t bytes);
  void on_close(boost::beast::error_code ec);
  void finish(std::string_view why);
  std::string who() const;

  boost::beast::websocket::stream<tls_stream> ws_;
  boost::beast::flat_buffer buffer_;
  std::shared_ptr<shared_state> state_;
  std::string peer_;  // "ip:port" for logs
  role role_;
  std::optional<viewer_identity> viewer_;
  std::string request_id_;
  std::optional<session_hub::viewer_id> viewer_id_;
  bool customer_registered_ = false;
  enum class phase { hello, request, filed } phase_ = phase::hello;
  std::string paired_technician_;  // a session code paired this customer
  std::string resume_id_, resume_token_;
  boost::asio::steady_timer request_timer_;
  std::optional<console_feed::conn_id> console_id_;
  static constexpr std::size_t read_chunk_bytes = 64 * 1024;
  bool type_checked_ = false;      // the current message's first byte has been looked at
  std::size_t message_limit_ = 0;  // header + the type's payload limit
  std::uint32_t last_in_sequence_ = 0;
  std::uint32_t next_out_sequence_ = 1;  // customer role and refusals before joining the hub
  std::deque<outgoing> queue_;
  // Messages the hub forwards to a customer (input, paste, clipboard, control requests), in
  // order, sequenced when written; bounded (drops beyond control_queue_limit, logged).
  static constexpr std::size_t control_queue_limit = 1 << 20;
  std::deque<std::pair<protocol::message_type, std::vector<std::uint8_t>>> control_queue_;
  std::size_t control_queue_bytes_ = 0;
  bool control_drop_logged_ = false;
  std::optional<std::uint32_t> pending_ack_;
  std::optional<viewers_info> pending_viewers_;
  outgoing current_;  // the message being written
  bool writing_ = false;
  bool ignore_input_ = false;  // closing: incoming messages are drained, not handled
  bool close_queued_ = false;  // a close_reason is queued; close once the queue drains
  bool close_started_ = false;
  bool finished_ = false;
  std::string close_why_;  // for the disconnect log line
  boost::beast::websocket::close_code ws_close_code_ = boost::beast::websocket::close_code::normal;
  connection_limiter::slot slot_;  // last: released after everything else is gone
};

}  // namespace visit::server
