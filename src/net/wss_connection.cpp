#include "net/wss_connection.hpp"

#include <boost/asio/io_context.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/websocket.hpp>
#include <boost/beast/websocket/ssl.hpp>

#include "net/peer_verifier.hpp"
#include "net/tcp_dialer.hpp"

namespace visit::net {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace websocket = beast::websocket;
namespace http = beast::http;

class wss_connection::impl : public std::enable_shared_from_this<impl> {
 public:
  impl(asio::io_context& io, asio::ssl::context& tls, const trust_config& trust, tcp_dialer& dialer,
       wss_request request, wss_handlers handlers)
      : verifier_(trust, request.server.host, request.server.host_is_ip),
        ws_(io, tls),
        dialer_(dialer),
        request_(std::move(request)),
        handlers_(std::move(handlers)) {}

  void start() {
    dialer_.async_dial(
        beast::get_lowest_layer(ws_), request_.server,
        [self = shared_from_this()](boost::system::error_code ec, std::string detail) {
          self->on_dial(ec, std::move(detail));
        });
  }

  bool can_send() const { return open_ && !write_in_flight_ && !close_requested_ && !finished_; }

  void send(std::vector<std::uint8_t> message) {
    if (!can_send()) return;
    write(std::move(message));
  }

  void close(std::uint16_t code, std::vector<std::uint8_t> final_message) {
    if (finished_ || close_requested_) return;
    if (!open_) {
      // Still connecting: stop at once. Reported from a posted handler, never from inside
      // this call, and before any late completion of the aborted operations can say more.
      cancelled_ = true;
      shut_socket();
      asio::post(ws_.get_executor(), [self = shared_from_this()] {
        self->finish(wss_failure{self->stage_, {}, "cancelled", false});
      });
      return;
    }
    close_requested_ = true;
    close_code_ = code;
    final_message_ = std::move(final_message);
    if (!write_in_flight_) continue_close();
  }

  // The owner went away: no handler may run from now on.
  void abandon() {
    finished_ = true;
    shut_socket();
  }

 private:
  void on_dial(boost::system::error_code ec, std::string detail) {
    if (finished_) return;
    if (ec) return fail(wss_stage::dial, ec, std::move(detail));
    stage_ = wss_stage::tls;
    std::string error;
    if (!verifier_.install(ws_.next_layer().native_handle(), error)) {
      return fail(wss_stage::tls, {}, error);
    }
    beast::get_lowest_layer(ws_).expires_after(request_.handshake_timeout);
    ws_.next_layer().async_handshake(
        asio::ssl::stream_base::client,
        [self = shared_from_this()](boost::system::error_code e) { self->on_tls(e); });
  }

  void on_tls(boost::system::error_code ec) {
    if (finished_) return;
    if (!verifier_.refusal().empty()) {
      return fail(wss_stage::certificate, ec, verifier_.refusal());
    }
    if (ec) return fail(wss_stage::tls, ec, "TLS handshake failed: " + ec.message());
    // Checked again from the finished handshake before the first byte of application data.
    if (auto why = verifier_.check_after_handshake(ws_.next_layer().native_handle());
        !why.empty()) {
      return fail(wss_stage::certificate, {}, std::move(why));
    }
    stage_ = wss_stage::upgrade;
    beast::get_lowest_layer(ws_).expires_never();
    websocket::stream_base::timeout timeouts{};
    timeouts.handshake_timeout = request_.handshake_timeout;
    timeouts.idle_timeout = request_.idle_timeout;
    timeouts.keep_alive_pings = true;
    ws_.set_option(timeouts);
    ws_.set_option(
        websocket::stream_base::decorator([ua = request_.user_agent](websocket::request_type& req) {
          req.set(http::field::user_agent, ua);
        }));
    ws_.read_message_max(request_.max_message_size);
    ws_.binary(true);
    ws_.async_handshake(
        upgrade_response_, request_.server.authority(), request_.target,
        [self = shared_from_this()](boost::system::error_code e) { self->on_upgrade(e); });
  }

  void on_upgrade(boost::system::error_code ec) {
    if (finished_) return;
    if (ec) {
      std::string detail = "WebSocket upgrade failed: " + ec.message();
      if (ec == websocket::error::upgrade_declined) {
        detail += " (HTTP " + std::to_string(upgrade_response_.result_int()) + ")";
      }
      return fail(wss_stage::upgrade, ec, std::move(detail));
    }
    stage_ = wss_stage::open;
    open_ = true;
    handlers_.opened();
    if (!finished_) read();
  }

  void read() {
    ws_.async_read(read_buffer_,
                   [self = shared_from_this()](boost::system::error_code ec, std::size_t n) {
                     self->on_read(ec, n);
                   });
  }

  void on_read(boost::system::error_code ec, std::size_t n) {
    if (finished_) return;
    if (ec == websocket::error::closed) {
      const auto& reason = ws_.reason();
      std::string detail = "the server closed the connection (WebSocket code " +
                           std::to_string(static_cast<unsigned>(reason.code)) + ")";
      return finish(wss_failure{wss_stage::open, {}, std::move(detail), true});
    }
    if (ec) {
      // Our own close in progress ends the read; the close handler reports.
      if (closing_) return;
      return fail(wss_stage::open, ec, "connection lost: " + ec.message());
    }
    const auto data = read_buffer_.cdata();
    handlers_.message({static_cast<const std::uint8_t*>(data.data()), n}, ws_.got_binary());
    read_buffer_.consume(n);
    if (!finished_) read();
  }

  void write(std::vector<std::uint8_t> message) {
    writing_ = std::move(message);
    write_in_flight_ = true;
    ws_.async_write(asio::buffer(writing_),
                    [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
                      self->on_write(ec);
                    });
  }

  void on_write(boost::system::error_code ec) {
    write_in_flight_ = false;
    writing_.clear();
    if (finished_) return;
    if (ec) return fail(wss_stage::open, ec, "write failed: " + ec.message());
    if (close_requested_) return continue_close();
    handlers_.sent();
  }

  void continue_close() {
    if (!final_message_.empty()) return write(std::exchange(final_message_, {}));
    closing_ = true;
    ws_.async_close(websocket::close_reason(close_code_),
                    [self = shared_from_this()](boost::system::error_code ec) {
                      if (self->finished_) return;
                      if (ec) return self->fail(wss_stage::open, ec, "close: " + ec.message());
                      self->finish(wss_failure{wss_stage::open, {}, "closed", true});
                    });
  }

  void fail(wss_stage stage, boost::system::error_code ec, std::string detail) {
    if (cancelled_) return;  // the posted "cancelled" report follows
    shut_socket();
    finish(wss_failure{stage, ec, std::move(detail), false});
  }

  void finish(wss_failure f) {
    if (finished_) return;
    finished_ = true;
    open_ = false;
    handlers_.closed(f);
  }

  // Closes the TCP socket without a TLS close_notify or anything else: after a refusal the
  // server must receive no further byte from us.
  void shut_socket() {
    boost::system::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
  }

  // Declared before ws_: the SSL object inside ws_ points at it, so it must die after ws_.
  peer_verifier verifier_;
  websocket::stream<asio::ssl::stream<beast::tcp_stream>> ws_;
  tcp_dialer& dialer_;  // owned by the application, outlives every connection
  wss_request request_;
  wss_handlers handlers_;
  websocket::response_type upgrade_response_;
  beast::flat_buffer read_buffer_;
  std::vector<std::uint8_t> writing_;
  std::vector<std::uint8_t> final_message_;
  wss_stage stage_ = wss_stage::dial;
  std::uint16_t close_code_ = 1000;
  bool open_ = false;
  bool write_in_flight_ = false;
  bool close_requested_ = false;
  bool closing_ = false;
  bool cancelled_ = false;
  bool finished_ = false;
};

wss_connection::wss_connection(asio::io_context& io, asio::ssl::context& tls,
                               const trust_config& trust, tcp_dialer& dialer, wss_request request,
                               wss_handlers handlers)
    : impl_(std::make_shared<impl>(io, tls, trust, dialer, std::move(request),
                                   std::move(handlers))) {}

wss_connection::~wss_connection() {
  impl_->abandon();
}

void wss_connection::start() {
  impl_->start();
}
bool wss_connection::can_send() const {
  return impl_->can_send();
}
void wss_connection::send(std::vector<std::uint8_t> message) {
  impl_->send(std::move(message));
}
void wss_connection::close(std::uint16_t code, std::vector<std::uint8_t> final_message) {
  impl_->close(code, std::move(final_message));
}

}  // namespace visit::net
