#include "server/live/ws_connection.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/core/flat_buffer.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/beast/websocket/stream.hpp>
#include <deque>
#include <span>

#include "server/http/http_policy.hpp"
#include "server/live/json_messages.hpp"
#include "server/live/protocol_names.hpp"
#include "server/live/ws_upgrade.hpp"
#include "server/log.hpp"

namespace visit::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using protocol::close_code;
using protocol::message_type;

namespace {
constexpr std::size_t read_chunk_bytes = 64 * 1024;
}  // namespace

struct ws_connection::impl {
  struct outgoing {
    shared_message bytes;
    bool report_written = false;  // call on_written() when it is out
  };

  impl(ws_upgrade&& upgrade, connection_limiter::slot s, std::string peer_address,
       const settings& set)
      : slot(std::move(s)),
        ws(std::move(upgrade.stream)),
        request(std::move(upgrade.request)),
        deadline(ws.get_executor()),
        peer(std::move(peer_address)),
        role(set.role),
        read_message_max(set.read_message_max),
        quote_peer_close_reason(set.quote_peer_close_reason) {}

  connection_limiter::slot slot;  // first: given back after everything else is gone
  websocket::stream<beast::ssl_stream<beast::tcp_stream>> ws;
  http::request<http::string_body> request;  // the upgrade, until start()
  beast::flat_buffer buffer;
  net::steady_timer deadline;
  std::string peer;  // "ip:port" for logs
  std::string role;
  std::size_t read_message_max;
  bool quote_peer_close_reason;

  bool type_checked = false;      // the current message's first byte has been looked at
  std::size_t message_limit = 0;  // header + the type's payload limit
  std::uint32_t last_in_sequence = 0;
  std::uint32_t next_out_sequence = 1;
  std::deque<outgoing> queue;
  outgoing current;  // the message being written
  bool writing = false;
  bool ignore_input = false;  // closing: incoming messages are drained, not handled
  bool close_queued = false;  // a close_reason is queued; close once the queue drains
  bool close_started = false;
  bool finished = false;
  std::string close_why;  // for the disconnect log line
  websocket::close_code ws_close_code = websocket::close_code::normal;
};

ws_connection::ws_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                             connection_limiter::slot slot, std::string peer, settings s)
    : state_(std::move(state)),
      impl_(std::make_unique<impl>(std::move(upgrade), std::move(slot), std::move(peer), s)) {}

ws_connection::~ws_connection() = default;

std::string ws_connection::who() const {
  return "role=" + impl_->role + " address=" + impl_->peer + identity();
}

const connection_limiter::slot& ws_connection::slot() const {
  return impl_->slot;
}

bool ws_connection::finished() const {
  return impl_->finished;
}

void ws_connection::post(std::function<void()> fn) {
  net::post(impl_->ws.get_executor(), [self = shared_from_this(), fn = std::move(fn)] { fn(); });
}

// --- accepting ---------------------------------------------------------------------------------

void ws_connection::start() {
  auto& ws = impl_->ws;
  beast::get_lowest_layer(ws).expires_never();  // the websocket layer has its own timeouts
  ws.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "visit-server");
    for (const auto& [name, value] : security_headers()) res.set(name, value);
  }));
  ws.read_message_max(impl_->read_message_max);
  ws.auto_fragment(false);  // one frame per message: full-size TLS records
  ws.binary(true);
  // Beast reads the request only while the call runs: it need not outlive it.
  auto request = std::move(impl_->request);
  ws.async_accept(request,
                  beast::bind_front_handler(&ws_connection::on_accept, shared_from_this()));
}

void ws_connection::on_accept(beast::error_code ec) {
  if (ec) {
    log_line("refused " + who() + " reason=websocket_handshake error=" + log_quote(ec.message()));
    impl_->finished = true;
    return;
  }
  do_read();
  on_open();
}

// --- reading -----------------------------------------------------------------------------------

void ws_connection::do_read() {
  // Message data arrives in chunks, so a message over its type's limit is refused (with a
  // close_reason) after at most one chunk more than that limit, never read whole.
  impl_->ws.async_read_some(impl_->buffer, read_chunk_bytes,
                            beast::bind_front_handler(&ws_connection::on_read, shared_from_this()));
}

void ws_connection::on_read(beast::error_code ec, std::size_t) {
  auto& d = *impl_;
  if (ec) return on_read_error(ec);
  if (d.ignore_input) {  // closing: drain until the close handshake ends the read loop
    d.buffer.consume(d.buffer.size());
    return do_read();
  }
  if (!d.type_checked && d.buffer.size() > 0) {
    d.type_checked = true;
    auto first = static_cast<const std::uint8_t*>(d.buffer.cdata().data())[0];
    if (!d.ws.got_binary()) {
      refuse(close_code::protocol_error, "text_message", "text messages are refused");
    } else if (!protocol::is_known_type(first)) {
      refuse(close_code::protocol_error, "unknown_type",
             "unknown message type " + std::to_string(first));
    } else {
      d.message_limit =
          protocol::header_size + protocol::max_payload_size(static_cast<message_type>(first));
    }
  }
  if (!d.ignore_input && d.type_checked && d.buffer.size() > d.message_limit) {
    auto type =
        static_cast<message_type>(static_cast<const std::uint8_t*>(d.buffer.cdata().data())[0]);
    refuse(close_code::too_large, "too_large",
           std::string(message_type_name(type)) + " over its limit of " +
               std::to_string(d.message_limit) + " bytes");
  }
  if (d.ignore_input) {
    d.buffer.consume(d.buffer.size());
    return do_read();
  }
  if (!d.ws.is_message_done()) return do_read();

  d.type_checked = false;
  on_whole_message();
  d.buffer.consume(d.buffer.size());
  do_read();
}

void ws_connection::on_whole_message() {
  auto& d = *impl_;
  if (!d.ws.got_binary()) {
    refuse(close_code::protocol_error, "text_message", "text messages are refused");
    return;
  }
  auto data = d.buffer.cdata();
  std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(data.data()), data.size());
  auto m = protocol::parse_message(bytes);
  if (!m) {
    refuse(m.error(), m.error().message());
  } else if (m->hdr.sequence != d.last_in_sequence + 1) {
    refuse(close_code::protocol_error, "bad_sequence",
           "sequence " + std::to_string(m->hdr.sequence) + " after " +
               std::to_string(d.last_in_sequence));
  } else {
    d.last_in_sequence = m->hdr.sequence;
    if (m->hdr.type == message_type::close_reason) {
      closed_by_peer(*m);
    } else {
      on_message(*m);
    }
  }
}

void ws_connection::closed_by_peer(const protocol::message_view& m) {
  // The peer said why it leaves: answer with the WebSocket close handshake ourselves rather
  // than wait for it to close.
  auto& d = *impl_;
  d.close_why = d.role + " sent close_reason";
  if (d.quote_peer_close_reason) {
    d.close_why += ' ';
    d.close_why.append(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
  }
  d.ignore_input = true;
  d.close_queued = true;
  flush();
}

void ws_connection::on_read_error(beast::error_code ec) {
  auto& d = *impl_;
  std::string why;
  if (ec == websocket::error::closed) {
    why = d.close_why.empty() ? "closed by peer" : d.close_why;
  } else if (ec == beast::error::timeout) {
    why = d.close_why.empty() ? "timeout" : d.close_why;
  } else if (!d.close_started && !d.ignore_input &&
             (ec == websocket::error::message_too_big ||
              (ec.category() == net::error::get_ssl_category() &&
               ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                   SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY))) {
    // Beast refused the message itself (over read_message_max, checked at the frame header,
    // or bad WebSocket framing), sent a close frame and tore the connection down; a peer
    // still sending makes the teardown report "application data after close notify".
    std::string name = ec == websocket::error::message_too_big ? "too_large" : "websocket_refused";
    log_line("protocol_error " + who() + " error=" + name + " message=" +
             log_quote("message over read_message_max (" + std::to_string(d.ws.read_message_max()) +
                           " bytes) or bad WebSocket framing: " + ec.message(),
                       200));
    why = "protocol_error " + name;
  } else {
    why = d.close_why.empty() ? ec.message() : d.close_why;
  }
  finish(why);
}

// --- refusing and closing ----------------------------------------------------------------------

void ws_connection::refuse(close_code code, std::string_view what, std::string_view detail) {
  auto& d = *impl_;
  if (d.ignore_input) return;
  log_line("protocol_error " + who() + " error=" + std::string(what) +
           " message=" + log_quote(detail, 160));
  d.close_why = "protocol_error " + std::string(what);
  if (code == close_code::protocol_error || code == close_code::too_large ||
      code == close_code::version_mismatch) {
    d.ws_close_code = websocket::close_code::policy_error;
  }
  d.ignore_input = true;
  send_close_reason(code, detail);
}

void ws_connection::refuse(const boost::system::error_code& ec, std::string_view detail) {
  if (auto e = protocol::as_parse_error(ec)) {
    return refuse(protocol::close_code_for(*e), parse_error_name(*e), detail);
  }
  // Parsers and the hub return parse_errors only; anything else is a bug, still refused.
  refuse(close_code::protocol_error, "unexpected_error",
         std::string(detail) + " (" + ec.category().name() + ": " + ec.message() + ")");
}

void ws_connection::send_close_reason(close_code code, std::string_view message) {
  close_with_reason(code, message);
}

void ws_connection::close_with_reason(close_code code, std::string_view message) {
  if (impl_->close_queued) return;
  close_with(own_message(message_type::close_reason, close_reason_json(code, message)));
}

void ws_connection::close_with(shared_message close_reason) {
  auto& d = *impl_;
  if (d.close_queued) return;
  d.ignore_input = true;
  enqueue(std::move(close_reason));
  d.close_queued = true;
  flush();
}

void ws_connection::close_from_outside(close_code code, std::string_view message) {
  post([this, code, m = std::string(message)] {
    auto& d = *impl_;
    if (d.finished) return;
    if (d.close_why.empty()) d.close_why = std::string(protocol::to_string(code));
    d.ignore_input = true;
    send_close_reason(code, m);
  });
}

void ws_connection::set_close_why(std::string why) {
  impl_->close_why = std::move(why);
}

// --- writing: one message in flight ------------------------------------------------------------

void ws_connection::enqueue(shared_message message, bool report_written) {
  impl_->queue.push_back({std::move(message), report_written});
}

shared_message ws_connection::own_message(message_type type, std::string_view json) {
  return std::make_shared<const std::vector<std::uint8_t>>(
      protocol::make_json_message(type, next_sequence(), protocol::now_us(), json));
}

std::uint32_t ws_connection::next_sequence() {
  return impl_->next_out_sequence++;
}

void ws_connection::flush() {
  auto& d = *impl_;
  if (d.writing || d.close_started || d.finished) return;
  if (!d.queue.empty()) {
    d.current = std::move(d.queue.front());
    d.queue.pop_front();
  } else if (d.close_queued) {
    d.close_started = true;
    d.ws.async_close(websocket::close_reason(d.ws_close_code),
                     [self = shared_from_this()](beast::error_code) {
                       // Nothing to do: the pending read completes as well and calls finish().
                     });
    return;
  } else if (auto next = next_message()) {
    d.current = {std::move(next), false};
  } else {
    return;
  }
  d.writing = true;
  d.ws.async_write(net::buffer(*d.current.bytes),
                   beast::bind_front_handler(&ws_connection::on_write, shared_from_this()));
}

void ws_connection::on_write(beast::error_code ec, std::size_t) {
  auto& d = *impl_;
  d.writing = false;
  bool report = d.current.report_written;
  d.current = {};
  if (ec) {
    if (d.close_why.empty()) d.close_why = "write failed: " + ec.message();
    // The read loop ends too once the socket is gone; finish() runs there.
    beast::error_code ignored;
    beast::get_lowest_layer(d.ws).socket().close(ignored);
    return;
  }
  if (report && !d.finished) on_written();
  flush();
}

// --- deadline and the end ----------------------------------------------------------------------

void ws_connection::start_deadline(std::chrono::steady_clock::duration after,
                                   std::function<void()> on_expiry) {
  impl_->deadline.expires_after(after);
  impl_->deadline.async_wait(
      [self = shared_from_this(), fn = std::move(on_expiry)](beast::error_code ec) {
        if (ec || self->impl_->finished) return;
        fn();
      });
}

void ws_connection::cancel_deadline() {
  impl_->deadline.cancel();
}

void ws_connection::finish(std::string_view why) {
  auto& d = *impl_;
  if (d.finished) return;
  d.finished = true;
  d.queue.clear();
  d.deadline.cancel();
  on_finish(why);
}

}  // namespace visit::server
