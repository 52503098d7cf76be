#include "net/direct_dialer.hpp"

#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/steady_timer.hpp>
#include <memory>

namespace visit::net {
namespace {

namespace asio = boost::asio;
using tcp = asio::ip::tcp;

// One dial: the resolver and the deadline timer live as long as a handler holds the op.
struct dial_op : std::enable_shared_from_this<dial_op> {
  dial_op(boost::beast::tcp_stream& s, server_address a, tcp_dialer::handler d)
      : stream(s),
        resolver(s.get_executor()),
        timer(s.get_executor()),
        to(std::move(a)),
        done(std::move(d)) {}

  void finish(boost::system::error_code ec, std::string detail) {
    if (finished) return;
    finished = true;
    timer.cancel();
    done(ec, std::move(detail));
  }

  // Non-owning: the connection that owns the stream is kept alive by `done`.
  boost::beast::tcp_stream& stream;
  tcp::resolver resolver;
  asio::steady_timer timer;
  server_address to;
  tcp_dialer::handler done;
  std::chrono::steady_clock::time_point deadline;
  bool finished = false;
  bool timed_out = false;
};

}  // namespace

void direct_dialer::async_dial(boost::beast::tcp_stream& stream, const server_address& to,
                               handler done) {
  auto op = std::make_shared<dial_op>(stream, to, std::move(done));
  op->deadline = std::chrono::steady_clock::now() + timeout_;
  // Name resolution has no timeout of its own: the timer cancels it at the deadline.
  op->timer.expires_at(op->deadline);
  op->timer.async_wait([op](boost::system::error_code ec) {
    if (ec || op->finished) return;
    op->timed_out = true;
    op->resolver.cancel();
  });
  auto flags = tcp::resolver::numeric_service;
  if (to.host_is_ip) flags |= tcp::resolver::numeric_host;
  op->resolver.async_resolve(
      to.host, std::to_string(to.port), flags,
      [op](boost::system::error_code ec, tcp::resolver::results_type results) {
        if (op->timed_out) {
          return op->finish(asio::error::timed_out,
                            "cannot resolve " + op->to.host + ": timed out");
        }
        if (ec) return op->finish(ec, "cannot resolve " + op->to.host + ": " + ec.message());
        op->stream.expires_at(op->deadline);
        op->stream.async_connect(
            results, [op](boost::system::error_code ec2, const tcp::endpoint& ep) {
              if (ec2) {
                return op->finish(ec2,
                                  "cannot connect to " + op->to.authority() + ": " + ec2.message());
              }
              op->stream.expires_never();
              boost::system::error_code ignored;
              op->stream.socket().set_option(tcp::no_delay(true), ignored);
              (void)ep;
              op->finish({}, {});
            });
      });
}

}  // namespace visit::net
