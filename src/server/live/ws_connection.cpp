#include "server/live/websocket_session.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <boost/asio/post.hpp>
#include <boost/asio/ssl/error.hpp>
#include <boost/beast/core/bind_handler.hpp>
#include <boost/beast/websocket/ssl.hpp>
#include <boost/json.hpp>

#include "protocol/control.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/http/http_policy.hpp"
#include "server/live/json_messages.hpp"
#include "server/log.hpp"
#include "server/live/protocol_names.hpp"
#include "server/shared_state.hpp"
#include "wizard/wizard.hpp"

namespace visit::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace websocket = beast::websocket;
using protocol::close_code;
using protocol::message_type;

websocket_session::websocket_session(tls_stream&& stream, std::shared_ptr<shared_state> state,
                                     connection_limiter::slot slot, std::string peer, role r,
                                     std::optional<viewer_identity> viewer)
    : ws_(std::move(stream)),
      state_(std::move(state)),
      peer_(std::move(peer)),
      role_(r),
      viewer_(std::move(viewer)),
      request_timer_(ws_.get_executor()),
      slot_(std::move(slot)) {
  if (viewer_) request_id_ = viewer_->request_id;
}

websocket_session::~websocket_session() = default;

std::string websocket_session::who() const {
  std::string s = role_ == role::customer ? "role=customer"
                  : role_ == role::viewer ? "role=viewer"
                                          : "role=console";
  s += " address=" + peer_;
  if (!request_id_.empty()) s += " request=" + request_id_;
  if (viewer_) s += " user=" + log_quote(viewer_->username, 64);
  return s;
}

void websocket_session::run(http::request<http::string_body> request) {
  beast::get_lowest_layer(ws_).expires_never();  // the websocket layer has its own timeouts
  ws_.set_option(websocket::stream_base::timeout::suggested(beast::role_type::server));
  ws_.set_option(websocket::stream_base::decorator([](websocket::response_type& res) {
    res.set(http::field::server, "visit-server");
    for (const auto& [name, value] : security_headers()) res.set(name, value);
  }));
  ws_.read_message_max(role_ == role::customer ? protocol::max_message_size
                       : role_ == role::viewer ? shared_state::viewer_message_max
                                               : 4096);  // a console sends nothing
  static_assert(shared_state::viewer_message_max >=
                protocol::header_size + protocol::max_from_prefix + protocol::max_clipboard_bytes);
  ws_.auto_fragment(false);  // one frame per message: full-size TLS records
  ws_.binary(true);
  ws_.async_accept(request,
                   beast::bind_front_handler(&websocket_session::on_accept, shared_from_this()));
}

void websocket_session::on_accept(beast::error_code ec) {
  if (ec) {
    log_line("refused " + who() + " reason=websocket_handshake error=" + log_quote(ec.message()));
    finished_ = true;
    return;
  }
  do_read();
  if (role_ == role::viewer) start_viewer();
  if (role_ == role::console) start_console();
  if (role_ == role::customer) {
    request_timer_.expires_after(request_deadline);
    request_timer_.async_wait([self = shared_from_this()](beast::error_code timer_ec) {
      if (timer_ec || self->phase_ == phase::filed || self->finished_) return;
      self->refuse(close_code::protocol_error, "timeout",
                   "no support_request within 30 minutes of hello");
    });
  }
}

void websocket_session::start_console() {
  console_id_ = state_->feed().add(std::static_pointer_cast<console_feed::sink>(shared_from_this()),
                                   {viewer_->username, viewer_->role});
  state_->register_viewer(viewer_->login_key, weak_from_this());
  log_line("console connected " + who());
  if (!state_->sessions().find_by_key(viewer_->login_key)) {
    close_locally(close_code::unauthorized, "logged out");
  }
}

void websocket_session::wake() {
  net::post(ws_.get_executor(), [self = shared_from_this()] { self->do_write(); });
}

void websocket_session::start_viewer() {
  auto id = state_->hub().add_viewer(request_id_, this, viewer_->username, viewer_->username);
  if (!id) {
    refuse(close_code::not_found, "not_found", "no live support request with this id");
    return;
  }
  viewer_id_ = *id;
  state_->register_viewer(viewer_->login_key, weak_from_this());
  state_->request_changed(request_id_);
  log_line("viewer connected " + who());
  // A logout may have happened between the upgrade and the registration above.
  if (!state_->sessions().find_by_key(viewer_->login_key)) {
    state_->hub().close_viewer(*viewer_id_, close_code::unauthorized, "logged out");
  }
}

void websocket_session::do_read() {
  // Message data arrives in chunks, so a message over its type's limit is refused (with a
  // close_reason) after at most one chunk more than that limit, never read whole.
  ws_.async_read_some(buffer_, read_chunk_bytes,
                      beast::bind_front_handler(&websocket_session::on_read, shared_from_this()));
}

void websocket_session::on_read(beast::error_code ec, std::size_t) {
  if (ec) return on_read_error(ec);
  if (ignore_input_) {  // closing: drain until the close handshake ends the read loop
    buffer_.consume(buffer_.size());
    return do_read();
  }
  if (!type_checked_ && buffer_.size() > 0) {
    type_checked_ = true;
    auto first = static_cast<const std::uint8_t*>(buffer_.cdata().data())[0];
    if (!ws_.got_binary()) {
      refuse(close_code::protocol_error, "text_message", "text messages are refused");
    } else if (!protocol::is_known_type(first)) {
      refuse(close_code::protocol_error, "unknown_type",
             "unknown message type " + std::to_string(first));
    } else {
      message_limit_ =
          protocol::header_size + protocol::max_payload_size(static_cast<message_type>(first));
    }
  }
  if (!ignore_input_ && type_checked_ && buffer_.size() > message_limit_) {
    auto type =
        static_cast<message_type>(static_cast<const std::uint8_t*>(buffer_.cdata().data())[0]);
    refuse(close_code::too_large, "too_large",
           std::string(message_type_name(type)) + " over its limit of " +
               std::to_string(message_limit_) + " bytes");
  }
  if (ignore_input_) {
    buffer_.consume(buffer_.size());
    return do_read();
  }
  if (!ws_.is_message_done()) return do_read();

  // One whole message.
  type_checked_ = false;
  if (!ws_.got_binary()) {
    refuse(close_code::protocol_error, "text_message", "text messages are refused");
  } else {
    auto data = buffer_.cdata();
    std::span<const std::uint8_t> bytes(static_cast<const std::uint8_t*>(data.data()), data.size());
    auto m = protocol::parse_message(bytes);
    if (!m) {
      auto e = static_cast<protocol::parse_error>(m.error().value());
      refuse(protocol::close_code_for(e), parse_error_name(e), protocol::to_string(e));
    } else if (m->hdr.sequence != last_in_sequence_ + 1) {
      refuse(close_code::protocol_error, "bad_sequence",
             "sequence " + std::to_string(m->hdr.sequence) + " after " +
                 std::to_string(last_in_sequence_));
    } else {
      last_in_sequence_ = m->hdr.sequence;
      if (role_ == role::customer) {
        on_customer_message(*m);
      } else if (role_ == role::viewer) {
        on_viewer_message(*m);
      } else if (m->hdr.type == message_type::close_reason) {
        close_why_ = "console sent close_reason";
        closed_by_peer();
      } else {
        refuse(close_code::protocol_error, "unexpected_type", "a console sends nothing");
      }
    }
  }
  buffer_.consume(buffer_.size());
  do_read();
}

void websocket_session::on_read_error(beast::error_code ec) {
  std::string why;
  if (ec == websocket::error::closed) {
    why = close_why_.empty() ? "closed by peer" : close_why_;
  } else if (ec == beast::error::timeout) {
    why = close_why_.empty() ? "timeout" : close_why_;
  } else if (!close_started_ && !ignore_input_ &&
             (ec == websocket::error::message_too_big ||
              (ec.category() == net::error::get_ssl_category() &&
               ERR_GET_REASON(static_cast<unsigned long>(ec.value())) ==
                   SSL_R_APPLICATION_DATA_AFTER_CLOSE_NOTIFY))) {
    // Beast refused the message itself (over read_message_max, checked at the frame header,
    // or bad WebSocket framing), sent a close frame and tore the connection down; a peer
    // still sending makes the teardown report "application data after close notify".
    std::string name = ec == websocket::error::message_too_big ? "too_large" : "websocket_refused";
    log_line("protocol_error " + who() + " error=" + name + " message=" +
             log_quote("message over read_message_max (" + std::to_string(ws_.read_message_max()) +
                           " bytes) or bad WebSocket framing: " + ec.message(),
                       200));
    why = "protocol_error " + name;
  } else {
    why = close_why_.empty() ? ec.message() : close_why_;
  }
  finish(why);
}

void websocket_session::on_customer_message(const protocol::message_view& m) {
  if (phase_ != phase::filed) {
    if (m.hdr.type == message_type::close_reason) {
      close_why_ = "customer sent close_reason " +
                   std::string(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
      closed_by_peer();
      return;
    }
    if (phase_ == phase::hello) {
      if (m.hdr.type != message_type::hello) {
        refuse(close_code::protocol_error, "unexpected_type", "the first message must be hello");
        return;
      }
      return on_customer_hello(m);
    }
    if (m.hdr.type != protocol::request_type::support_request) {
      refuse(close_code::protocol_error, "unexpected_type",
             std::string(message_type_name(m.hdr.type)) +
                 " before request_filed: only support_request is accepted");
      return;
    }
    return on_support_request(m);
  }
  if (m.hdr.type == protocol::control_type::access_state ||
      m.hdr.type == protocol::control_type::clipboard) {
    if (auto ec = state_->hub().on_customer_message(request_id_, m)) {
      auto e = static_cast<protocol::parse_error>(ec.value());
      refuse(
          protocol::close_code_for(e), parse_error_name(e),
          std::string(message_type_name(m.hdr.type)) + ": " + std::string(protocol::to_string(e)));
    }
    return;
  }
  if (protocol::is_control_type(m.hdr.type)) {
    refuse(close_code::protocol_error, "unexpected_type",
           std::string(message_type_name(m.hdr.type)) + " is not a customer message");
    return;
  }
  switch (m.hdr.type) {
    case message_type::screen_info:
    case message_type::frame:
    case message_type::cursor_shape:
    case message_type::cursor_position: {
      auto ec = state_->hub().on_customer_message(request_id_, m);
      if (ec) {
        auto e = static_cast<protocol::parse_error>(ec.value());
        refuse(protocol::close_code_for(e), parse_error_name(e),
               std::string(message_type_name(m.hdr.type)) + ": " +
                   std::string(protocol::to_string(e)));
      }
      return;
    }
    case message_type::close_reason:
      close_why_ = "customer sent close_reason " +
                   std::string(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
      closed_by_peer();
      return;
    default:
      refuse(close_code::protocol_error, "unexpected_type",
             std::string(message_type_name(m.hdr.type)) + " is not a customer message");
  }
}

void websocket_session::on_customer_hello(const protocol::message_view& m) {
  auto h = parse_customer_hello(m.payload);
  if (!h) {
    auto e = static_cast<protocol::parse_error>(h.error().value());
    refuse(protocol::close_code_for(e), parse_error_name(e),
           "hello: " + std::string(protocol::to_string(e)));
    return;
  }
  if (h->wrong_version) {
    refuse(close_code::version_mismatch, "version_mismatch", "this server speaks protocol 1");
    return;
  }
  if (state_->shutting_down()) {
    refuse(close_code::server_shutdown, "server_shutdown", "the server is shutting down");
    return;
  }
  if (h->hello.code) {
    std::string ip = slot_.address();
    auto r = state_->codes().redeem(ip, *h->hello.code);
    if (r.result != session_codes::outcome::paired) {
      // One answer for unknown, expired, used and over-budget codes (§3.5); the log says which.
      log_line("code refused " + who() + " reason=" +
               (r.result == session_codes::outcome::refused_over_budget ? "over_budget"
                                                                        : "no_live_code"));
      ignore_input_ = true;
      close_why_ = "code_refused";
      close_locally(close_code::code_refused, "the session code was not accepted");
      return;
    }
    paired_technician_ = r.technician;
    log_line("code paired " + who() + " technician=" + log_quote(paired_technician_, 64));
  }
  if (is_lower_hex(h->hello.resume_id, 32) && is_lower_hex(h->hello.resume_token, 32)) {
    resume_id_ = h->hello.resume_id;
    resume_token_ = h->hello.resume_token;
  }
  auto w = state_->db().current_wizard();
  if (!w) {
    refuse(close_code::server_shutdown, "store_error", "the server has no wizard definition");
    return;
  }
  enqueue({own_message(message_type::hello,
                       server_hello_for_customer(w->json, w->version, paired_technician_,
                                                 paired_technician_)),
           false});
  do_write();
  phase_ = phase::request;
  log_line("customer hello " + who() + " client=" + log_quote(h->hello.client) +
           " wizard_version=" + std::to_string(w->version));
}

void websocket_session::on_support_request(const protocol::message_view& m) {
  auto invalid = [this](std::string message) {
    if (message.size() > 1000) message = message.substr(0, 1000) + "...";
    refuse(close_code::invalid_request, "invalid_request", message);
  };
  boost::system::error_code ec;
  boost::json::parse_options opt;
  opt.max_depth = 64;
  std::string_view text(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
  if (!protocol::is_valid_utf8(text)) return invalid("support_request: not valid UTF-8");
  boost::json::value v = boost::json::parse(text, ec, {}, opt);
  if (ec || !v.is_object()) return invalid("support_request: not a JSON object");
  const auto& o = v.as_object();
  auto* version = o.if_contains("wizard_version");
  std::optional<wizard_record> w;
  if (version && version->is_int64()) w = state_->db().find_wizard(version->as_int64());
  if (version && version->is_uint64() && version->as_uint64() <= INT64_MAX) {
    w = state_->db().find_wizard(static_cast<std::int64_t>(version->as_uint64()));
  }
  if (!w) return invalid("wizard_version: not a version this server has");
  boost::json::value def = boost::json::parse(w->json, ec);
  if (ec || !def.is_object()) return invalid("wizard_version: the stored definition is unreadable");
  auto problems = wizard::validate_support_request(def.as_object(), v);
  if (!problems.empty()) {
    std::string all;
    for (auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return invalid(all);
  }
  const auto& answers = o.at("answers").as_object();
  new_request nr;
  nr.name = std::string(o.at("name").as_string());
  nr.summary = wizard::summary(def.as_object(), answers);
  for (const boost::json::object* q : wizard::questions(def.as_object())) {
    auto* type = q->if_contains("type");
    auto* id = q->if_contains("id");
    if (type && id && id->is_string() && *type == "choice") {
      if (auto* a = answers.if_contains(id->as_string()); a && a->is_string()) {
        nr.topic = std::string(a->as_string());
      }
      break;
    }
  }
  nr.answers_json = boost::json::serialize(answers);
  nr.collected_json = boost::json::serialize(o.at("collected"));
  nr.wizard_version = w->version;
  if (!paired_technician_.empty()) {
    nr.queue = "direct";
    nr.technician = paired_technician_;
    nr.via_code = true;
  } else {
    nr.queue = wizard::route(def.as_object(), answers);
    if (!state_->db().find_queue(nr.queue)) nr.queue = "general";
  }
  std::string token;
  auto now = unix_now();
  if (!resume_id_.empty() && state_->db().resume_matches(resume_id_, sha256_hex(resume_token_))) {
    auto old = state_->db().find_request(resume_id_);
    if (old && old->state != "resolved") {
      if (old->state == "abandoned") state_->db().reopen_request(resume_id_, now);
      request_id_ = resume_id_;
      token = resume_token_;
      nr.queue = old->queue;
      nr.technician = old->technician;
      nr.summary = old->summary;
      nr.name = old->name;
      state_->db().add_event(request_id_, "customer", "resumed", now);
    }
  }
  if (request_id_.empty()) {
    token = random_hex(16);
    nr.resume_token_hash = sha256_hex(token);
    auto id = state_->db().create_request(nr, now);
    if (!id) {
      refuse(close_code::server_shutdown, "store_error", "the server cannot store the request");
      return;
    }
    request_id_ = *id;
    state_->db().add_event(request_id_, "customer",
                           nr.via_code ? "filed with a session code" : "filed in " + nr.queue, now);
  }
  request_timer_.cancel();
  phase_ = phase::filed;
  enqueue(
      {own_message(protocol::request_type::request_filed,
                   request_filed_json(request_id_, nr.queue, nr.technician.value_or(""), token)),
       false});
  state_->hub().add_customer(request_id_, nr.name, nr.summary, this);
  customer_registered_ = true;
  state_->request_changed(request_id_);
  log_line("customer filed " + who() + " name=" + log_quote(nr.name) + " queue=" + nr.queue +
           (nr.technician ? " technician=" + log_quote(*nr.technician, 64) : std::string()));
  do_write();
}

void websocket_session::on_viewer_message(const protocol::message_view& m) {
  if (protocol::is_control_type(m.hdr.type)) {
    if (m.hdr.type == protocol::control_type::access_state) {
      refuse(close_code::protocol_error, "unexpected_type", "access_state is not a viewer message");
      return;
    }
    boost::system::error_code ec;
    if (viewer_id_) ec = state_->hub().on_viewer_control(*viewer_id_, m);
    if (ec) {
      auto e = static_cast<protocol::parse_error>(ec.value());
      refuse(protocol::close_code_for(e), parse_error_name(e),
             std::string(message_type_name(m.hdr.type)) + ": from must be empty");
    }
    return;
  }
  switch (m.hdr.type) {
    case message_type::frame_ack: {
      auto acked = protocol::parse_frame_ack(m.payload);
      boost::system::error_code ec = acked ? boost::system::error_code() : acked.error();
      if (!ec && viewer_id_) ec = state_->hub().on_viewer_frame_ack(*viewer_id_, *acked);
      if (ec) {
        auto e = static_cast<protocol::parse_error>(ec.value());
        refuse(protocol::close_code_for(e), parse_error_name(e), "frame_ack names an unsent frame");
      }
      return;
    }
    case message_type::hello:
      if (auto ec = check_viewer_hello(m.payload)) {
        auto e = static_cast<protocol::parse_error>(ec.value());
        refuse(protocol::close_code_for(e), parse_error_name(e), "hello");
      }
      return;
    case message_type::close_reason:
      close_why_ = "viewer sent close_reason " +
                   std::string(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
      closed_by_peer();
      return;
    default:
      refuse(close_code::protocol_error, "unexpected_type",
             std::string(message_type_name(m.hdr.type)) + " is not a viewer message");
  }
}

void websocket_session::refuse(close_code code, std::string_view what, std::string_view detail) {
  if (ignore_input_) return;
  log_line("protocol_error " + who() + " error=" + std::string(what) +
           " message=" + log_quote(detail, 160));
  close_why_ = "protocol_error " + std::string(what);
  if (code == close_code::protocol_error || code == close_code::too_large ||
      code == close_code::version_mismatch) {
    ws_close_code_ = websocket::close_code::policy_error;
  }
  ignore_input_ = true;
  if (viewer_id_) {
    state_->hub().close_viewer(*viewer_id_, code, detail);  // the hub owns the sequence
  } else {
    close_locally(code, detail);
  }
}

void websocket_session::closed_by_peer() {
  // The peer said why it leaves: answer with the WebSocket close handshake ourselves rather
  // than wait for it to close.
  ignore_input_ = true;
  close_queued_ = true;
  do_write();
}

void websocket_session::close_locally(close_code code, std::string_view message) {
  if (close_queued_) return;
  ignore_input_ = true;
  enqueue({own_message(message_type::close_reason, close_reason_json(code, message)), false});
  close_queued_ = true;
  do_write();
}

shared_message websocket_session::own_message(message_type type, std::string_view json) {
  return std::make_shared<const std::vector<std::uint8_t>>(
      protocol::make_json_message(type, next_out_sequence_++, protocol::now_us(), json));
}

// --- sinks: called from any thread (hub mutex held); hop onto the strand ----------------------

void websocket_session::send_frame_ack(std::uint32_t acked) {
  net::post(ws_.get_executor(), [self = shared_from_this(), acked] {
    self->pending_ack_ = acked;
    self->do_write();
  });
}

void websocket_session::send_viewers(viewers_info info) {
  net::post(ws_.get_executor(), [self = shared_from_this(), info = std::move(info)]() mutable {
    self->pending_viewers_ = std::move(info);
    self->do_write();
  });
}

void websocket_session::close(close_code code, std::string_view message) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code, m = std::string(message)] {
    if (self->close_why_.empty()) self->close_why_ = std::string(protocol::to_string(code));
    self->close_locally(code, m);
  });
}

void websocket_session::send(message_type type, std::vector<std::uint8_t> payload) {
  net::post(
      ws_.get_executor(), [self = shared_from_this(), type, p = std::move(payload)]() mutable {
        if (self->control_queue_bytes_ + p.size() > control_queue_limit) {
          if (!self->control_drop_logged_) {
            self->control_drop_logged_ = true;
            log_line("dropped " + self->who() + " what=" + std::string(message_type_name(type)) +
                     " reason=customer_not_reading");
          }
          return;
        }
        self->control_queue_bytes_ += p.size();
        self->control_queue_.emplace_back(type, std::move(p));
        self->do_write();
      });
}

void websocket_session::send(shared_message message) {
  net::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(message)]() mutable {
    self->enqueue({std::move(m), true});
    self->do_write();
  });
}

void websocket_session::close(shared_message close_reason) {
  net::post(ws_.get_executor(), [self = shared_from_this(), m = std::move(close_reason)]() mutable {
    if (self->close_queued_) return;
    self->ignore_input_ = true;
    self->enqueue({std::move(m), false});
    self->close_queued_ = true;
    self->do_write();
  });
}

void websocket_session::shut_down(close_code code, std::string_view message) {
  net::post(ws_.get_executor(), [self = shared_from_this(), code, m = std::string(message)] {
    if (self->finished_) return;
    if (self->close_why_.empty()) self->close_why_ = std::string(protocol::to_string(code));
    if (self->viewer_id_) {
      self->ignore_input_ = true;
      self->state_->hub().close_viewer(*self->viewer_id_, code, m);
    } else {
      self->close_locally(code, m);
    }
  });
}

// --- writing: one message in flight ------------------------------------------------------------

void websocket_session::enqueue(outgoing o) {
  queue_.push_back(std::move(o));
}

void websocket_session::do_write() {
  if (writing_ || close_started_ || finished_) return;
  if (!queue_.empty()) {
    current_ = std::move(queue_.front());
    queue_.pop_front();
  } else if (close_queued_) {
    close_started_ = true;
    ws_.async_close(websocket::close_reason(ws_close_code_),
                    beast::bind_front_handler(&websocket_session::on_close, shared_from_this()));
    return;
  } else if (!control_queue_.empty()) {
    auto& [type, payload] = control_queue_.front();
    current_ = {std::make_shared<const std::vector<std::uint8_t>>(protocol::make_message(
                    type, next_out_sequence_++, protocol::now_us(), payload)),
                false};
    control_queue_bytes_ -= payload.size();
    control_queue_.pop_front();
  } else if (pending_viewers_) {
    current_ = {own_message(message_type::viewers, viewers_json(*pending_viewers_)), false};
    pending_viewers_.reset();
  } else if (pending_ack_) {
    current_ = {std::make_shared<const std::vector<std::uint8_t>>(protocol::make_frame_ack(
                    next_out_sequence_++, protocol::now_us(), *pending_ack_)),
                false};
    pending_ack_.reset();
  } else if (console_id_) {
    auto event = state_->feed().next(*console_id_);
    if (!event) return;
    current_ = {own_message(protocol::request_type::console_event, *event), false};
  } else {
    return;
  }
  writing_ = true;
  ws_.async_write(net::buffer(*current_.bytes),
                  beast::bind_front_handler(&websocket_session::on_write, shared_from_this()));
}

void websocket_session::on_write(beast::error_code ec, std::size_t) {
  writing_ = false;
  bool from_hub = current_.from_hub;
  current_ = {};
  if (ec) {
    if (close_why_.empty()) close_why_ = "write failed: " + ec.message();
    // The read loop ends too once the socket is gone; finish() runs there.
    beast::error_code ignored;
    beast::get_lowest_layer(ws_).socket().close(ignored);
    return;
  }
  if (from_hub && viewer_id_ && !finished_) state_->hub().on_viewer_write_done(*viewer_id_);
  do_write();
}

void websocket_session::on_close(beast::error_code) {
  // Nothing to do: the pending read completes as well and calls finish().
}

// --- the end -----------------------------------------------------------------------------------

void websocket_session::finish(std::string_view why) {
  if (finished_) return;
  finished_ = true;
  queue_.clear();
  request_timer_.cancel();
  if (role_ == role::customer) {
    if (customer_registered_) {
      state_->hub().remove_customer(request_id_, this);
      // waiting -> abandoned; in_session stays in_session (offline) for its technician.
      if (state_->db().set_request_state(request_id_, "abandoned", unix_now())) {
        state_->db().add_event(request_id_, "customer", "left", unix_now());
      }
      state_->request_changed(request_id_);
      log_line("customer disconnected " + who() + " reason=" + log_quote(why));
    } else {
      log_line("customer disconnected " + who() + " before request_filed reason=" + log_quote(why));
    }
  } else if (role_ == role::console) {
    if (console_id_) state_->feed().remove(*console_id_);
    console_id_.reset();
    state_->unregister_viewer(viewer_->login_key, this);
    log_line("console disconnected " + who() + " reason=" + log_quote(why));
  } else {
    if (viewer_id_) {
      state_->hub().remove_viewer(*viewer_id_);
      state_->unregister_viewer(viewer_->login_key, this);
      state_->request_changed(request_id_);
      viewer_id_.reset();
    }
    log_line("viewer disconnected " + who() + " reason=" + log_quote(why));
  }
}

}  // namespace visit::server
