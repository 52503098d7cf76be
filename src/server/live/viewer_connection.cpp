#include "server/live/viewer_connection.hpp"

#include "protocol/control.hpp"
#include "server/live/json_messages.hpp"
#include "server/live/protocol_names.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"

namespace visit::server {

using protocol::close_code;
using protocol::message_type;

static_assert(shared_state::viewer_message_max >=
              protocol::header_size + protocol::max_from_prefix + protocol::max_clipboard_bytes);

viewer_connection::viewer_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                                     connection_limiter::slot slot, std::string peer,
                                     std::string request_id, login_identity login)
    : ws_connection(std::move(upgrade), std::move(state), std::move(slot), std::move(peer),
                    {"viewer", shared_state::viewer_message_max}),
      request_id_(std::move(request_id)),
      login_(std::move(login)) {}

std::string viewer_connection::identity() const {
  std::string s;
  if (!request_id_.empty()) s += " request=" + request_id_;
  return s + " user=" + log_quote(login_.username, 64);
}

void viewer_connection::on_open() {
  auto id = state_->hub().add_viewer(request_id_, this, login_.username, login_.username);
  if (!id)
    return refuse(close_code::not_found, "not_found", "no live support request with this id");
  viewer_id_ = *id;
  state_->register_viewer(login_.key, shared_as<viewer_connection>());
  state_->request_changed(request_id_);
  log_line("viewer connected " + who());
  // A logout may have happened between the upgrade and the registration above.
  if (!state_->sessions().find_by_key(login_.key)) {
    state_->hub().close_viewer(*viewer_id_, close_code::unauthorized, "logged out");
  }
}

void viewer_connection::on_message(const protocol::message_view& m) {
  if (m.hdr.type == protocol::control_type::access_state) {
    return refuse(close_code::protocol_error, "unexpected_type",
                  "access_state is not a viewer message");
  }
  if (protocol::is_control_type(m.hdr.type)) {
    boost::system::error_code ec;
    if (viewer_id_) ec = state_->hub().on_viewer_control(*viewer_id_, m);
    if (ec) refuse(ec, std::string(message_type_name(m.hdr.type)) + ": from must be empty");
    return;
  }
  switch (m.hdr.type) {
    case message_type::frame_ack: {
      auto acked = protocol::parse_frame_ack(m.payload);
      boost::system::error_code ec = acked ? boost::system::error_code() : acked.error();
      if (!ec && viewer_id_) ec = state_->hub().on_viewer_frame_ack(*viewer_id_, *acked);
      if (ec) refuse(ec, "frame_ack names an unsent frame");
      return;
    }
    case message_type::hello:
      if (auto ec = check_viewer_hello(m.payload)) refuse(ec, "hello");
      return;
    default:
      refuse(close_code::protocol_error, "unexpected_type",
             std::string(message_type_name(m.hdr.type)) + " is not a viewer message");
  }
}

void viewer_connection::send_close_reason(close_code code, std::string_view message) {
  if (viewer_id_) {
    state_->hub().close_viewer(*viewer_id_, code, message);  // the hub owns the sequence
  } else {
    ws_connection::send_close_reason(code, message);
  }
}

void viewer_connection::on_written() {
  if (viewer_id_) state_->hub().on_viewer_write_done(*viewer_id_);
}

// --- viewer_sink and live_connection: any thread; hop onto the strand --------------------------

void viewer_connection::send(shared_message message) {
  post([this, m = std::move(message)]() mutable {
    enqueue(std::move(m), true);
    flush();
  });
}

void viewer_connection::close(shared_message close_reason) {
  post([this, m = std::move(close_reason)]() mutable { close_with(std::move(m)); });
}

void viewer_connection::shut_down(close_code code, std::string_view message) {
  close_from_outside(code, message);
}

void viewer_connection::on_finish(std::string_view why) {
  if (viewer_id_) {
    state_->hub().remove_viewer(*viewer_id_);
    state_->unregister_viewer(login_.key, this);
    state_->request_changed(request_id_);
    viewer_id_.reset();
  }
  log_line("viewer disconnected " + who() + " reason=" + log_quote(why));
}

}  // namespace visit::server
