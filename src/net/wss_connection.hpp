// One client connection to the server: dial (through a tcp_dialer) → TLS handshake with the
// server's certificate verified by a peer_verifier → WebSocket upgrade → binary messages.
// Nothing is written to the socket after a failed verification: no HTTP request, no data.
//
// Thread-safety: every member function and every handler runs on the io_context's thread
// (the network thread; the io_context is run by that one thread only).
// Handlers never run from inside a call to a member function: always from the io_context.
// Lifetime: the io_context, the ssl::context, the trust_config and the dialer outlive the
// connection. Destroying the connection abandons it: the socket is closed and no handler is
// called afterwards (pending operations finish quietly on their own).
#pragma once
#include <boost/system/error_code.hpp>
#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "net/server_address.hpp"
#include "net/tls_verification.hpp"

namespace boost::asio {
class io_context;
namespace ssl {
class context;
}  // namespace ssl
}  // namespace boost::asio

namespace visit::net {

class tcp_dialer;

// Where a connection ended.
enum class wss_stage {
  dial,         // name resolution or TCP connect (or, later, the proxy)
  tls,          // TLS handshake failed for a reason other than the certificate
  certificate,  // the server's certificate was refused: `detail` says why
  upgrade,      // the HTTP upgrade to WebSocket failed
  open,         // after the upgrade: the peer closed, a read or write failed, or close()
};

struct wss_failure {
  wss_stage stage = wss_stage::dial;
  boost::system::error_code error;  // empty for a refused certificate or a clean close
  std::string detail;               // one line for the log
  bool clean = false;               // ended by a WebSocket close handshake
};

struct wss_request {
  server_address server;
  std::string target = "/ws/customer";
  std::string user_agent;
  std::size_t max_message_size = 64 * 1024;             // larger incoming messages fail
  std::chrono::milliseconds handshake_timeout{10'000};  // TLS, upgrade, and close, each
  std::chrono::milliseconds idle_timeout{20'000};       // ping after half; fail after all
};

struct wss_handlers {
  std::function<void()> opened;  // the upgrade succeeded; send() may be called
  // One whole WebSocket message; the bytes are valid during the call only.
  std::function<void(std::span<const std::uint8_t> bytes, bool binary)> message;
  std::function<void()> sent;  // the write started by send() completed; can_send() again
  // Exactly once, last: why the connection ended (including after close()).
  std::function<void(const wss_failure&)> closed;
};

class wss_connection {
 public:
  wss_connection(boost::asio::io_context& io, boost::asio::ssl::context& tls,
                 const trust_config& trust, tcp_dialer& dialer, wss_request request,
                 wss_handlers handlers);
  ~wss_connection();
  wss_connection(const wss_connection&) = delete;
  wss_connection& operator=(const wss_connection&) = delete;

  void start();
  // Open, no write in flight and no close requested.
  bool can_send() const;
  // Writes one binary message. Precondition: can_send(). `sent` or `closed` follows.
  void send(std::vector<std::uint8_t> message);
  // Ends the connection. Open: after the write in flight (if any) and `final_message` (if not
  // empty), a WebSocket close with `code` (1000 normal, 1008 policy violation); `closed`
  // follows once the close handshake ends (bounded by handshake_timeout). Not yet open: the
  // socket is closed at once and `closed` follows.
  void close(std::uint16_t code, std::vector<std::uint8_t> final_message = {});

 private:
  class impl;
  std::shared_ptr<impl> impl_;
};

}  // namespace visit::net
