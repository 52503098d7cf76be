// The customer's connection to the server for the life of the client: connect, hello, hand
// the server's wizard to the app once (on_wizard), send the confirmed support_request, wait
// for request_filed, then relay screen data from the uplink_mailbox within the credit window,
// feed the server's viewers count and acks back into it, and reconnect with backoff whenever
// the connection ends or cannot be made (certificate refusals included: a later verified
// server is fine). A reconnect re-attaches the same request (the resume ticket of
// request_filed) and sends the same confirmed payload, without asking again. Closes that
// retrying cannot mend (code_refused, invalid_request, resolved, a bad wizard) end the client
// through on_fatal.
//
// Thread-safety: everything runs on the network thread (the one thread running `io`), except
// notify(), which any thread may call. Lifetime: io, tls, trust, dialer and mailbox outlive
// the session; the session outlives io.run().
#pragma once
#include <atomic>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <chrono>
#include <deque>
#include <functional>
#include <memory>
#include <optional>
#include <string>

#include "client/access_control.hpp"
#include "client/customer_protocol.hpp"
#include "client/input_sink.hpp"
#include "client/uplink_mailbox.hpp"
#include "net/backoff.hpp"
#include "net/server_address.hpp"
#include "net/tcp_dialer.hpp"
#include "net/tls_verification.hpp"
#include "net/wss_connection.hpp"

namespace visit::client {

struct session_config {
  net::server_address server;
  customer_identity identity;
  std::chrono::milliseconds hello_timeout{10'000};    // upgrade done -> server's hello
  std::chrono::milliseconds shutdown_timeout{3'000};  // normal close, then give up
  // A connection that lasted this long after the server's hello resets the backoff; one that
  // ended sooner (a server that accepts and then drops at once) keeps backing off.
  std::chrono::milliseconds stable_after{5'000};
  net::backoff::settings backoff{};
  // The server's first valid hello (network thread, once): start the wizard, then submit().
  std::function<void(const server_event& welcome)> on_wizard;
  // Nothing more to do: exit with `exit_code` (posted to the network thread).
  std::function<void(int exit_code, const std::string& why)> on_fatal;
};

// Exit codes of closes that retrying cannot mend (README).
inline constexpr int exit_code_refused = 3;
inline constexpr int exit_request_refused = 4;

class customer_session {
 public:
  customer_session(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                   const net::trust_config& trust, net::tcp_dialer& dialer, session_config config,
                   uplink_mailbox& mailbox);
  customer_session(const customer_session&) = delete;
  customer_session& operator=(const customer_session&) = delete;

  // Starts the first connection attempt.
  void start();
  // No more reconnects; closes the connection normally (WebSocket close 1000) once the
  // access_state messages queued before are written (the server hears Read-Only first), after
  // a close_reason customer_left saying `leaving` when that is not empty (why the customer
  // leaves, e.g. its display ended). Calls `done` on the network thread once it is closed, or
  // after shutdown_timeout at the latest.
  void shutdown(std::function<void()> done, std::string leaving = {});
  // Something waits in the mailbox: any thread. Coalesced into one post to the network thread.
  void notify();

  // Access control and where accepted input goes; set before start(), both outlive the
  // session. Without them every control message from the server is ignored.
  void set_access_control(access_control* access, input_sink* sink);
  // An access_state payload to send now (access_control's publisher); dropped when no
  // connection is welcomed or its server did not announce "access_control" in its hello
  // (an older server refuses unknown messages).
  void send_access_state(const std::string& json);

  // Where the controller's clipboard text goes once accepted (protocol.md §9.4): set before
  // start(); without it an accepted clipboard is only logged.
  void set_clipboard_target(std::function<void(const std::string&)> apply) {
    clipboard_apply_ = std::move(apply);
  }
  // The customer's clipboard text for the controller: sent only while access_control is in
  // Full-Access and the server takes access control; otherwise dropped (returns false with
  // `why`). Latest wins: an earlier text not yet written is replaced. `text` must be valid
  // UTF-8 of at most protocol::max_clipboard_bytes (checked: refused otherwise).
  bool send_clipboard(const std::string& text, std::string& why);
  // The customer confirmed this support_request payload (network thread): it is sent now if
  // a connection waits for it, and again on every reconnect.
  void submit(std::string payload);

  // The current support request id, empty when not connected (network thread).
  const std::string& request_id() const { return request_id_; }

 private:
  void connect();
  void on_open();
  void on_message(std::span<const std::uint8_t> bytes, bool binary);
  void on_sent();
  void on_closed(const net::wss_failure& f);
  void pump();
  void on_control_event(server_event& e);
  void send_request();
  void fatal(int exit_code, const std::string& why);
  void refuse(protocol::close_code code, const std::string& why);
  void schedule_reconnect();
  void finish_shutdown();
  // While stopping: writes what control_out_ holds, then closes (again from on_sent).
  void close_when_drained();

  boost::asio::io_context& io_;
  boost::asio::ssl::context& tls_;  // outlives the session
  const net::trust_config& trust_;  // outlives the session
  net::tcp_dialer& dialer_;         // outlives the session
  session_config config_;
  uplink_mailbox& mailbox_;  // outlives the session
  net::backoff backoff_;
  boost::asio::steady_timer retry_timer_;
  boost::asio::steady_timer hello_timer_;
  boost::asio::steady_timer shutdown_timer_;
  std::unique_ptr<net::wss_connection> connection_;
  std::optional<customer_protocol> protocol_;
  std::string request_id_;
  std::string server_reason_;  // the server's close_reason, for the log line of the close
  std::chrono::steady_clock::time_point welcomed_at_{};
  int attempt_ = 0;
  bool stopping_ = false;
  std::function<void()> shutdown_done_;
  std::string leaving_;           // the close_reason message of shutdown(), empty for none
  bool close_requested_ = false;  // close_when_drained() has closed
  std::atomic<bool> pump_posted_{false};
  access_control* access_ = nullptr;
  input_sink* sink_ = nullptr;
  bool server_access_control_ = false;  // this connection's server takes access_state
  std::deque<std::vector<std::uint8_t>> control_out_;  // access_state, before screen data
  std::vector<std::uint8_t> clipboard_out_;  // the customer's clipboard, latest wins; empty = none
  std::function<void(const std::string&)> clipboard_apply_;
  std::optional<std::string> payload_;   // the confirmed support_request
  std::optional<resume_ticket> resume_;  // from the last request_filed
  bool wizard_started_ = false;
  bool request_sent_ = false;  // on this connection
  bool fatal_ = false;
  std::uint32_t credit_ = 0;  // this connection's, applied once filed
};

}  // namespace visit::client
