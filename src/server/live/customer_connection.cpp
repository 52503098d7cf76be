#include "server/live/customer_connection.hpp"

#include <variant>

#include "protocol/control.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/live/json_messages.hpp"
#include "server/live/protocol_names.hpp"
#include "server/live/request_intake.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"

namespace visit::server {

using protocol::close_code;
using protocol::message_type;

customer_connection::customer_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                                         connection_limiter::slot slot, std::string peer)
    : ws_connection(std::move(upgrade), std::move(state), std::move(slot), std::move(peer),
                    {"customer", protocol::max_message_size}) {}

std::string customer_connection::identity() const {
  return request_id_.empty() ? std::string() : " request=" + request_id_;
}

void customer_connection::on_open() {
  start_deadline(request_deadline, [this] {
    if (phase_ == phase::filed) return;
    refuse(close_code::protocol_error, "timeout", "no support_request within 30 minutes of hello");
  });
}

void customer_connection::on_message(const protocol::message_view& m) {
  const auto type = m.hdr.type;
  if (phase_ == phase::hello) {
    if (type != message_type::hello) {
      return refuse(close_code::protocol_error, "unexpected_type",
                    "the first message must be hello");
    }
    return on_hello(m);
  }
  if (phase_ == phase::request) {
    if (type != protocol::request_type::support_request) {
      return refuse(close_code::protocol_error, "unexpected_type",
                    std::string(message_type_name(type)) +
                        " before request_filed: only support_request is accepted");
    }
    return on_support_request(m);
  }
  const bool for_hub = type == protocol::control_type::access_state ||
                       type == protocol::control_type::clipboard ||
                       type == message_type::screen_info || type == message_type::frame ||
                       type == message_type::cursor_shape || type == message_type::cursor_position;
  if (!for_hub) {
    return refuse(close_code::protocol_error, "unexpected_type",
                  std::string(message_type_name(type)) + " is not a customer message");
  }
  if (auto ec = state_->hub().on_customer_message(request_id_, m)) {
    refuse(ec, std::string(message_type_name(type)) + ": " + ec.message());
  }
}

void customer_connection::on_hello(const protocol::message_view& m) {
  auto h = parse_customer_hello(m.payload);
  if (!h) return refuse(h.error(), "hello: " + h.error().message());
  if (h->wrong_version) {
    return refuse(close_code::version_mismatch, "version_mismatch",
                  "this server speaks protocol 1");
  }
  if (state_->shutting_down()) {
    return refuse(close_code::server_shutdown, "server_shutdown", "the server is shutting down");
  }
  if (h->hello.code) {
    auto r = state_->codes().redeem(slot().address(), *h->hello.code);
    if (r.result != session_codes::outcome::paired) {
      // One answer for unknown, expired, used and over-budget codes (§3.5); the log says which.
      log_line("code refused " + who() + " reason=" +
               (r.result == session_codes::outcome::refused_over_budget ? "over_budget"
                                                                        : "no_live_code"));
      set_close_why("code_refused");
      return close_with_reason(close_code::code_refused, "the session code was not accepted");
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
    return refuse(close_code::server_shutdown, "store_error",
                  "the server has no wizard definition");
  }
  enqueue(own_message(
      message_type::hello,
      server_hello_for_customer(w->json, w->version, paired_technician_, paired_technician_)));
  flush();
  phase_ = phase::request;
  log_line("customer hello " + who() + " client=" + log_quote(h->hello.client) +
           " wizard_version=" + std::to_string(w->version));
}

void customer_connection::on_support_request(const protocol::message_view& m) {
  std::string_view text(reinterpret_cast<const char*>(m.payload.data()), m.payload.size());
  auto result = file_support_request(state_->db(), text,
                                     {paired_technician_, resume_id_, resume_token_}, unix_now());
  if (const auto* no = std::get_if<intake_refusal>(&result)) {
    return refuse(no->code, no->what, no->message);
  }
  const auto& filed = std::get<filed_request>(result);
  request_id_ = filed.id;
  cancel_deadline();
  phase_ = phase::filed;
  enqueue(own_message(protocol::request_type::request_filed, filed.request_filed_json));
  state_->hub().add_customer(request_id_, filed.name, filed.summary, this);
  registered_ = true;
  state_->request_changed(request_id_);
  log_line("customer filed " + who() + " name=" + log_quote(filed.name) + " queue=" + filed.queue +
           (filed.technician ? " technician=" + log_quote(*filed.technician, 64) : std::string()));
  flush();
}

// --- writing: the role's own messages after the queue ------------------------------------------

shared_message customer_connection::next_message() {
  if (!control_queue_.empty()) {
    auto& [type, payload] = control_queue_.front();
    auto bytes = std::make_shared<const std::vector<std::uint8_t>>(
        protocol::make_message(type, next_sequence(), protocol::now_us(), payload));
    control_queue_bytes_ -= payload.size();
    control_queue_.pop_front();
    return bytes;
  }
  if (pending_viewers_) {
    auto bytes = own_message(message_type::viewers, viewers_json(*pending_viewers_));
    pending_viewers_.reset();
    return bytes;
  }
  if (pending_ack_) {
    auto bytes = std::make_shared<const std::vector<std::uint8_t>>(
        protocol::make_frame_ack(next_sequence(), protocol::now_us(), *pending_ack_));
    pending_ack_.reset();
    return bytes;
  }
  return nullptr;
}

// --- customer_sink: any thread (hub mutex held); hop onto the strand ---------------------------

void customer_connection::send_frame_ack(std::uint32_t acked) {
  post([this, acked] {
    pending_ack_ = acked;
    flush();
  });
}

void customer_connection::send_viewers(viewers_info info) {
  post([this, info = std::move(info)]() mutable {
    pending_viewers_ = std::move(info);
    flush();
  });
}

void customer_connection::send(message_type type, std::vector<std::uint8_t> payload) {
  post([this, type, p = std::move(payload)]() mutable {
    if (control_queue_bytes_ + p.size() > control_queue_limit) {
      if (!control_drop_logged_) {
        control_drop_logged_ = true;
        log_line("dropped " + who() + " what=" + std::string(message_type_name(type)) +
                 " reason=customer_not_reading");
      }
      return;
    }
    control_queue_bytes_ += p.size();
    control_queue_.emplace_back(type, std::move(p));
    flush();
  });
}

void customer_connection::close(close_code code, std::string_view message) {
  close_from_outside(code, message);
}

// --- the end -----------------------------------------------------------------------------------

void customer_connection::on_finish(std::string_view why) {
  if (!registered_) {
    log_line("customer disconnected " + who() + " before request_filed reason=" + log_quote(why));
    return;
  }
  state_->hub().remove_customer(request_id_, this);
  // waiting -> abandoned; in_session stays in_session (offline) for its technician.
  if (state_->db().set_request_state(request_id_, "abandoned", unix_now())) {
    state_->db().add_event(request_id_, "customer", "left", unix_now());
  }
  state_->request_changed(request_id_);
  log_line("customer disconnected " + who() + " reason=" + log_quote(why));
}

}  // namespace visit::server
