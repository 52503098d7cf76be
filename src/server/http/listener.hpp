// Accepts TCP connections on the one listening socket and starts an http_session for each,
// after the per-address and global connection caps (refusals are logged and the socket
// closed before any TLS work).
// Threading: accepts on its own strand; each accepted socket gets a new strand.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

namespace visit::server {

class shared_state;

class listener : public std::enable_shared_from_this<listener> {
 public:
  // Opens, binds and listens. Throws boost::system::system_error (start-up only).
  listener(boost::asio::io_context& ioc, boost::asio::ssl::context& tls,
           const boost::asio::ip::tcp::endpoint& endpoint, std::shared_ptr<shared_state> state);

  boost::asio::ip::tcp::endpoint local_endpoint() const { return acceptor_.local_endpoint(); }
  void run();
  // Stops accepting (shutdown). Thread-safe: posts to the listener's strand.
  void stop();

 private:
  void do_accept();
  void on_accept(boost::system::error_code ec, boost::asio::ip::tcp::socket socket);

  boost::asio::io_context& ioc_;
  boost::asio::ssl::context& tls_;  // owned by run_server, outlives the io_context's work
  boost::asio::ip::tcp::acceptor acceptor_;
  std::shared_ptr<shared_state> state_;
};

}  // namespace visit::server
