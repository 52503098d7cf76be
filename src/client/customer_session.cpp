#include "client/customer_session.hpp"

#include <boost/asio/post.hpp>
#include <cstdio>
#include <utility>

#include "client/client_log.hpp"

namespace visit::client {

namespace asio = boost::asio;

namespace {

constexpr std::uint16_t ws_close_normal = 1000;
constexpr std::uint16_t ws_close_policy = 1008;

// The buffer fits any count of seconds, so snprintf's result is not needed.
std::string seconds_text(std::chrono::milliseconds d) {
  char buf[32];
  (void)std::snprintf(buf, sizeof buf, "%.1f", static_cast<double>(d.count()) / 1000.0);
  return buf;
}

}  // namespace

customer_session::customer_session(asio::io_context& io, asio::ssl::context& tls,
                                   const net::trust_config& trust, net::tcp_dialer& dialer,
                                   session_config config, uplink_mailbox& mailbox)
    : io_(io),
      tls_(tls),
      trust_(trust),
      dialer_(dialer),
      config_(std::move(config)),
      mailbox_(mailbox),
      backoff_(config_.backoff),
      retry_timer_(io),
      hello_timer_(io),
      shutdown_timer_(io) {}

void customer_session::start() {
  connect();
}

void customer_session::notify() {
  if (pump_posted_.exchange(true)) return;
  asio::post(io_, [this] {
    pump_posted_ = false;
    pump();
  });
}

void customer_session::connect() {
  if (stopping_) return;
  ++attempt_;
  log_line("connecting to " + config_.server.url() + " (attempt " + std::to_string(attempt_) + ")");
  net::wss_request req;
  req.server = config_.server;
  req.target = "/ws/customer";
  req.user_agent = config_.identity.client;
  // Server -> customer messages are small: clipboard (64 KiB + 65) is the largest.
  req.max_message_size =
      protocol::max_payload_size(protocol::message_type::clipboard) + protocol::header_size;
  net::wss_handlers handlers;
  handlers.opened = [this] { on_open(); };
  handlers.message = [this](std::span<const std::uint8_t> b, bool binary) {
    on_message(b, binary);
  };
  handlers.sent = [this] { on_sent(); };
  handlers.closed = [this](const net::wss_failure& f) { on_closed(f); };
  protocol_.reset();
  server_reason_.clear();
  connection_ = std::make_unique<net::wss_connection>(io_, tls_, trust_, dialer_, std::move(req),
                                                      std::move(handlers));
  connection_->start();
}

void customer_session::on_open() {
  protocol_.emplace(config_.identity);
  request_sent_ = false;
  connection_->send(protocol_->hello(resume_ ? &*resume_ : nullptr));
  hello_timer_.expires_after(config_.hello_timeout);
  hello_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !protocol_ || protocol_->welcomed()) return;
    log_line("no hello from the server within " + seconds_text(config_.hello_timeout) + " s");
    refuse(protocol::close_code::protocol_error, "no hello");
  });
}

void customer_session::on_message(std::span<const std::uint8_t> bytes, bool binary) {
  if (!protocol_) return;
  server_event e = protocol_->on_message(bytes, binary);
  switch (e.what) {
    case server_event::kind::refused:
      log_line("protocol error from the server: " + e.text);
      return refuse(e.code, e.text);
    case server_event::kind::welcome:
      hello_timer_.cancel();
      credit_ = e.credit;
      server_access_control_ = e.access_control;
      if (!e.technician_id.empty())
        log_line("paired with technician " + printable(e.technician_name, 128));
      if (payload_) return send_request();
      if (!wizard_started_) {
        wizard_started_ = true;
        log_line("wizard \"" +
                 printable(e.wizard.contains("title") && e.wizard.at("title").is_string()
                               ? std::string_view(e.wizard.at("title").get_string())
                               : std::string_view(),
                           200) +
                 "\" (version " + std::to_string(e.wizard_version) + ")");
        if (config_.on_wizard) config_.on_wizard(e);
      }
      return;
    case server_event::kind::bad_wizard:
      hello_timer_.cancel();
      log_line("the server's support wizard is invalid; nothing was sent:");
      for (const auto& p : e.problems) log_line("  " + printable(p));
      refuse(protocol::close_code::protocol_error, "invalid wizard definition");
      return fatal(exit_request_refused, "the server's support wizard is invalid");
    case server_event::kind::filed:
      hello_timer_.cancel();
      welcomed_at_ = std::chrono::steady_clock::now();
      request_id_ = e.request_id;
      if (!e.resume_token.empty()) resume_ = resume_ticket{e.request_id, e.resume_token};
      log_line("support request " + e.request_id);
      if (!e.technician_id.empty()) {
        log_line("You are connected to technician " + printable(e.technician_name, 128));
      } else {
        log_line("Your request is queued in " + printable(e.queue, 64));
      }
      mailbox_.connection_opened(credit_);
      if (access_ != nullptr) access_->on_connected();  // always Read-Only, never resumed
      return pump();
    case server_event::kind::viewers:
      log_line("viewers: " + std::to_string(e.viewers));
      mailbox_.set_viewers(e.viewers);
      if (access_ == nullptr) return;
      if (e.technicians_listed) {
        // The controller no longer listed (it left while others stay): Read-Only, released.
        access_->on_technicians(std::move(e.technicians));
      } else if (e.viewers == 0 && access_->mode() == access_mode::full_access) {
        // A server that does not list technicians: only "nobody watches" is noticed.
        access_->on_disconnected(access_reason::disconnect);
      }
      return;
    case server_event::kind::acked:
      mailbox_.frames_acked(e.released);
      return;
    case server_event::kind::closing:
      server_reason_ =
          printable(e.code_text, 32) + (e.text.empty() ? "" : ": " + printable(e.text));
      log_line("the server is closing the connection: " + server_reason_);
      if (e.code == protocol::close_code::code_refused) {
        return fatal(exit_code_refused,
                     "the session code was not accepted (wrong, expired or already used): ask "
                     "the technician for a new one");
      }
      if (e.code == protocol::close_code::invalid_request) {
        return fatal(exit_request_refused, "the server refused the request: " + printable(e.text));
      }
      if (e.code == protocol::close_code::resolved) return fatal(0, "your request was resolved");
      return;
    case server_event::kind::control_request:
    case server_event::kind::input:
    case server_event::kind::paste_text:
    case server_event::kind::clipboard:
      return on_control_event(e);
  }
}

void customer_session::submit(std::string payload) {
  if (payload_ || stopping_) return;
  payload_ = std::move(payload);
  if (connection_ && protocol_ && protocol_->welcomed() && !request_sent_) send_request();
}

void customer_session::send_request() {
  if (!connection_ || !protocol_ || !payload_ || request_sent_) return;
  request_sent_ = true;
  log_line("sending the support request (" + std::to_string(payload_->size()) + " bytes)");
  connection_->send(protocol_->support_request(*payload_));
  hello_timer_.expires_after(config_.hello_timeout);
  hello_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !protocol_ || protocol_->filed()) return;
    log_line("no request_filed from the server within " + seconds_text(config_.hello_timeout) +
             " s");
    refuse(protocol::close_code::protocol_error, "no request_filed");
  });
}

void customer_session::fatal(int exit_code, const std::string& why) {
  if (fatal_) return;
  fatal_ = true;
  log_line(why);
  if (config_.on_fatal) {
    asio::post(io_, [this, exit_code, why] { config_.on_fatal(exit_code, why); });
  }
}

void customer_session::set_access_control(access_control* access, input_sink* sink) {
  access_ = access;
  sink_ = sink;
}

void customer_session::send_access_state(const std::string& json) {
  if (!connection_ || !protocol_ || !protocol_->filed() || stopping_) return;
  if (!server_access_control_) return;
  if (control_out_.size() >= 64) control_out_.pop_front();  // only the latest state matters
  control_out_.push_back(customer_protocol::access_state(json));
  pump();
}

bool customer_session::send_clipboard(const std::string& text, std::string& why) {
  if (text.size() > protocol::max_clipboard_bytes) {
    why = "too large (" + std::to_string(text.size()) + " bytes, over 64 KiB)";
    return false;
  }
  if (!protocol::is_valid_utf8(text)) {
    why = "not UTF-8 text";
    return false;
  }
  if (access_ == nullptr || access_->mode() != access_mode::full_access) {
    why = "not in full access";
    return false;
  }
  if (!connection_ || !protocol_ || !protocol_->welcomed() || stopping_ ||
      !server_access_control_) {
    why = "not connected";
    return false;
  }
  clipboard_out_ = protocol::make_clipboard(0, protocol::now_us(), {}, text);
  pump();
  return true;
}

void customer_session::on_control_event(server_event& e) {
  if (access_ == nullptr || sink_ == nullptr) return;
  if (!server_access_control_ && e.what == server_event::kind::control_request) {
    log_line("ignoring a control_request from a server without access control");
    return;
  }
  switch (e.what) {
    case server_event::kind::control_request:
      access_->on_control_request({e.technician_id, e.technician_name});
      return;
    case server_event::kind::input: {
      std::size_t dropped = 0;
      for (const auto& ev : e.events) {
        // Checked per event: a revoke or a pause between two batches applies at once.
        if (access_->accept_input(e.technician_id)) {
          deliver(*sink_, ev);
        } else {
          ++dropped;
        }
      }
      if (dropped > 0) {
        log_line("dropped " + std::to_string(dropped) + " input events from " + e.technician_id +
                 " (" + std::to_string(access_->dropped()) + " in all)");
      }
      return;
    }
    case server_event::kind::paste_text:
      if (access_->accept_input(e.technician_id)) {
        sink_->paste_text(e.text);
      } else {
        log_line("dropped paste_text from " + e.technician_id);
      }
      return;
    case server_event::kind::clipboard:
      // Accepted like input (Full-Access, from the controller); parse_clipboard already
      // checked the size cap and UTF-8.
      if (!access_->accept_input(e.technician_id)) {
        log_line("dropped clipboard from " + e.technician_id);
      } else {
        log_line("clipboard: " + std::to_string(e.text.size()) + " bytes from " + e.technician_id);
        if (clipboard_apply_) clipboard_apply_(e.text);
      }
      return;
    default:
      return;
  }
}

void customer_session::refuse(protocol::close_code code, const std::string& why) {
  mailbox_.connection_closed();
  if (!connection_) return;
  std::vector<std::uint8_t> reason;
  if (protocol_) reason = protocol_->close_reason(code, why);
  connection_->close(ws_close_policy, std::move(reason));
}

void customer_session::on_sent() {
  if (stopping_) return close_when_drained();
  pump();
}

void customer_session::pump() {
  if (!connection_ || !protocol_ || !protocol_->filed() || stopping_) return;
  while (connection_->can_send() && !control_out_.empty()) {
    auto m = std::move(control_out_.front());
    control_out_.pop_front();
    protocol_->stamp(m, false);
    connection_->send(std::move(m));
  }
  if (!clipboard_out_.empty() &&
      (access_ == nullptr || access_->mode() != access_mode::full_access)) {
    clipboard_out_.clear();  // control ended before it went out
  }
  if (connection_->can_send() && !clipboard_out_.empty()) {
    auto m = std::exchange(clipboard_out_, {});
    protocol_->stamp(m, false);
    connection_->send(std::move(m));
  }
  while (connection_->can_send()) {
    auto m = mailbox_.take_next();
    if (!m) return;
    protocol_->stamp(m->bytes, m->is_frame);
    connection_->send(std::move(m->bytes));
  }
}

void customer_session::on_closed(const net::wss_failure& f) {
  hello_timer_.cancel();
  mailbox_.connection_closed();
  const bool was_welcomed = protocol_ && protocol_->welcomed();
  const bool was_filed = protocol_ && protocol_->filed();
  protocol_.reset();
  control_out_.clear();
  clipboard_out_.clear();
  server_access_control_ = false;
  // A shutdown has already left Full-Access (and said so): no second Read-Only.
  if (access_ != nullptr && was_filed &&
      !(stopping_ && access_->mode() == access_mode::read_only)) {
    access_->on_disconnected();
  }
  request_id_.clear();
  connection_.reset();  // safe: the connection never calls a handler from inside its own calls

  if (f.stage == net::wss_stage::certificate) {
    log_line("refusing server: certificate not verified (" + f.detail + ")");
  } else if (stopping_) {
    log_line("disconnected");
  } else if (was_welcomed) {
    log_line("connection lost: " + f.detail +
             (server_reason_.empty() ? "" : " (" + server_reason_ + ")"));
  } else {
    log_line("connection failed: " + f.detail);
  }
  if (stopping_) return finish_shutdown();
  if (fatal_) return;  // the app is shutting down
  if (was_filed && std::chrono::steady_clock::now() - welcomed_at_ >= config_.stable_after) {
    backoff_.reset();
  }
  schedule_reconnect();
}

void customer_session::schedule_reconnect() {
  const auto delay = backoff_.next();
  log_line("reconnecting in " + seconds_text(delay) + " s");
  retry_timer_.expires_after(delay);
  retry_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || stopping_) return;
    connect();
  });
}

void customer_session::shutdown(std::function<void()> done, std::string leaving) {
  if (stopping_) return;
  stopping_ = true;
  shutdown_done_ = std::move(done);
  leaving_ = std::move(leaving);
  retry_timer_.cancel();
  hello_timer_.cancel();
  if (!connection_) {
    asio::post(io_, [this] { finish_shutdown(); });
    return;
  }
  shutdown_timer_.expires_after(config_.shutdown_timeout);
  shutdown_timer_.async_wait([this](boost::system::error_code ec) {
    if (ec || !connection_) return;
    log_line("the server did not answer the close in time");
    connection_.reset();
    protocol_.reset();
    if (access_ != nullptr) access_->on_disconnected();
    mailbox_.connection_closed();
    finish_shutdown();
  });
  close_when_drained();
}

void customer_session::close_when_drained() {
  if (!connection_ || close_requested_) return;
  const bool filed = protocol_ && protocol_->filed();
  while (filed && connection_->can_send() && !control_out_.empty()) {
    auto m = std::move(control_out_.front());
    control_out_.pop_front();
    protocol_->stamp(m, false);
    connection_->send(std::move(m));
  }
  if (filed && !control_out_.empty()) return;  // a write is in flight; on_sent comes back
  close_requested_ = true;
  std::vector<std::uint8_t> reason;
  if (!leaving_.empty() && protocol_ && protocol_->welcomed()) {
    reason = protocol_->close_reason(protocol::close_code::customer_left, leaving_);
  }
  connection_->close(ws_close_normal, std::move(reason));
}

void customer_session::finish_shutdown() {
  shutdown_timer_.cancel();
  if (auto done = std::exchange(shutdown_done_, {})) done();
}

}  // namespace visit::client
