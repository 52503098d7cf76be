#include "server/http/listener.hpp"

#include <boost/asio/post.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>

#include "server/http/http_session.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"

namespace visit::server {

namespace net = boost::asio;
using tcp = net::ip::tcp;

listener::listener(net::io_context& ioc, net::ssl::context& tls, const tcp::endpoint& endpoint,
                   std::shared_ptr<shared_state> state)
    : ioc_(ioc), tls_(tls), acceptor_(net::make_strand(ioc)), state_(std::move(state)) {
  acceptor_.open(endpoint.protocol());
  acceptor_.set_option(net::socket_base::reuse_address(true));
  acceptor_.bind(endpoint);
  acceptor_.listen(net::socket_base::max_listen_connections);
}

void listener::run() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] { self->do_accept(); });
}

void listener::stop() {
  net::post(acceptor_.get_executor(), [self = shared_from_this()] {
    boost::system::error_code ignored;
    self->acceptor_.close(ignored);
  });
}

void listener::do_accept() {
  acceptor_.async_accept(net::make_strand(ioc_),
                         [self = shared_from_this()](boost::system::error_code ec, tcp::socket s) {
                           self->on_accept(ec, std::move(s));
                         });
}

void listener::on_accept(boost::system::error_code ec, tcp::socket socket) {
  if (ec == net::error::operation_aborted || !acceptor_.is_open()) return;
  if (ec) {
    log_line("accept failed error=" + log_quote(ec.message()));
    if (ec == net::error::no_descriptors || ec == net::error::no_buffer_space) {
      // Out of file descriptors: pause a little instead of spinning.
      auto timer = std::make_shared<net::steady_timer>(acceptor_.get_executor(),
                                                       std::chrono::milliseconds(100));
      timer->async_wait(
          [self = shared_from_this(), timer](boost::system::error_code) { self->do_accept(); });
      return;
    }
    do_accept();
    return;
  }
  boost::system::error_code e2;
  auto remote = socket.remote_endpoint(e2);
  if (e2) {
    do_accept();
    return;
  }
  std::string ip = remote.address().to_string();
  auto slot = state_->limiter().try_acquire(ip);
  if (!slot) {
    log_line("refused address=" + ip + ":" + std::to_string(remote.port()) +
             " reason=connection_cap");
    boost::system::error_code ignored;
    socket.close(ignored);
  } else {
    start_http_session(std::move(socket), tls_, state_, std::move(*slot));
  }
  do_accept();
}

}  // namespace visit::server
