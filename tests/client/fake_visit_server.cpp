#include "fake_visit_server.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <optional>
#include <utility>

namespace visit::client::testing {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;
using tcp = asio::ip::tcp;

struct connection : std::enable_shared_from_this<connection> {
  connection(tcp::socket s, asio::ssl::context& ctx, fake_visit_server::impl& o, int n)
      : ws(std::move(s), ctx), owner(o), id(n) {}
  void start();
  void read();
  void write_next();

  websocket::stream<asio::ssl::stream<beast::tcp_stream>> ws;
  fake_visit_server::impl& owner;
  int id;
  beast::flat_buffer buffer;
  http::request<http::string_body> request;
  std::deque<std::vector<std::uint8_t>> outbox;
  bool writing = false;
  std::optional<std::uint16_t> close_after_writes;  // close() waits for queued messages
  bool open = false;
  bool closed = false;
};

struct fake_visit_server::impl {
  asio::io_context io;
  asio::ssl::context ctx{asio::ssl::context::tls_server};
  tcp::acceptor acceptor{io};
  std::thread thread;
  std::mutex mutex;
  std::condition_variable cv;
  std::deque<event> events;
  std::shared_ptr<connection> newest;  // io thread only
  int connections = 0;

  void push(event e) {
    {
      std::lock_guard lock(mutex);
      events.push_back(std::move(e));
    }
    cv.notify_all();
  }

  void accept() {
    acceptor.async_accept([this](boost::system::error_code ec, tcp::socket s) {
      if (ec) return;
      auto c = std::make_shared<connection>(std::move(s), ctx, *this, ++connections);
      newest = c;
      c->start();
      accept();
    });
  }
};

void connection::start() {
  ws.next_layer().async_handshake(
      asio::ssl::stream_base::server, [self = shared_from_this()](boost::system::error_code ec) {
        if (ec) return;
        http::async_read(self->ws.next_layer(), self->buffer, self->request,
                         [self](boost::system::error_code ec2, std::size_t) {
                           if (ec2) return;
                           self->ws.async_accept(self->request,
                                                 [self](boost::system::error_code e3) {
                                                   if (e3) return;
                                                   self->open = true;
                                                   self->ws.binary(true);
                                                   fake_visit_server::event e;
                                                   e.what = fake_visit_server::event::kind::opened;
                                                   e.connection = self->id;
                                                   e.target = std::string(self->request.target());
                                                   self->owner.push(std::move(e));
                                                   self->read();
                                                   self->write_next();
                                                 });
                         });
      });
}

void connection::read() {
  ws.async_read(buffer, [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
    if (ec) {
      if (self->closed) return;
      self->closed = true;
      fake_visit_server::event e;
      e.what = fake_visit_server::event::kind::closed;
      e.connection = self->id;
      if (ec == websocket::error::closed) e.close_code = self->ws.reason().code;
      self->owner.push(std::move(e));
      return;
    }
    fake_visit_server::event e;
    e.what = fake_visit_server::event::kind::message;
    e.connection = self->id;
    const auto data = self->buffer.cdata();
    const auto* p = static_cast<const std::uint8_t*>(data.data());
    e.bytes.assign(p, p + n);
    e.binary = self->ws.got_binary();
    self->buffer.consume(n);
    self->owner.push(std::move(e));
    self->read();
  });
}

void connection::write_next() {
  if (writing || !open) return;
  if (outbox.empty()) {
    if (const auto code = std::exchange(close_after_writes, std::nullopt)) {
      ws.async_close(websocket::close_reason(*code),
                     [self = shared_from_this()](boost::system::error_code) {});
    }
    return;
  }
  writing = true;
  ws.async_write(asio::buffer(outbox.front()),
                 [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                   self->writing = false;
                   self->outbox.pop_front();
                   if (!ec) self->write_next();
                 });
}

fake_visit_server::fake_visit_server(const test_identity& identity)
    : impl_(std::make_unique<impl>()) {
  impl_->ctx.use_certificate_chain_file(identity.cert_file);
  impl_->ctx.use_private_key_file(identity.key_file, asio::ssl::context::pem);
  const tcp::endpoint ep(asio::ip::make_address("127.0.0.1"), 0);
  impl_->acceptor.open(ep.protocol());
  impl_->acceptor.set_option(tcp::acceptor::reuse_address(true));
  impl_->acceptor.bind(ep);
  impl_->acceptor.listen();
  port_ = impl_->acceptor.local_endpoint().port();
  impl_->accept();
  impl_->thread = std::thread([this] { impl_->io.run(); });
}

fake_visit_server::~fake_visit_server() {
  impl_->io.stop();
  impl_->thread.join();
}

std::optional<fake_visit_server::event> fake_visit_server::next(std::chrono::milliseconds timeout) {
  std::unique_lock lock(impl_->mutex);
  if (!impl_->cv.wait_for(lock, timeout, [this] { return !impl_->events.empty(); })) {
    return std::nullopt;
  }
  event e = std::move(impl_->events.front());
  impl_->events.pop_front();
  return e;
}

void fake_visit_server::send(std::vector<std::uint8_t> message) {
  asio::post(impl_->io, [this, m = std::move(message)]() mutable {
    if (!impl_->newest) return;
    impl_->newest->outbox.push_back(std::move(m));
    impl_->newest->write_next();
  });
}

void fake_visit_server::close(std::uint16_t code) {
  asio::post(impl_->io, [this, code] {
    if (!impl_->newest) return;
    // After the messages already queued, so a close_reason sent just before arrives first.
    impl_->newest->close_after_writes = code;
    impl_->newest->write_next();
  });
}

}  // namespace visit::client::testing
