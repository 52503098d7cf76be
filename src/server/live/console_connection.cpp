#include "server/live/console_connection.hpp"

#include "server/log.hpp"
#include "server/shared_state.hpp"

namespace visit::server {

using protocol::close_code;

console_connection::console_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                                       connection_limiter::slot slot, std::string peer,
                                       login_identity login)
    : ws_connection(std::move(upgrade), std::move(state), std::move(slot), std::move(peer),
                    {"console", read_message_max, /*quote_peer_close_reason=*/false}),
      login_(std::move(login)) {}

std::string console_connection::identity() const {
  return " user=" + log_quote(login_.username, 64);
}

void console_connection::on_open() {
  auto self = shared_as<console_connection>();
  console_id_ =
      state_->feed().add(std::weak_ptr<console_feed::sink>(self), {login_.username, login_.role});
  state_->register_viewer(login_.key, self);
  log_line("console connected " + who());
  // A logout may have happened between the upgrade and the registration above.
  if (!state_->sessions().find_by_key(login_.key)) {
    close_with_reason(close_code::unauthorized, "logged out");
  }
}

void console_connection::on_message(const protocol::message_view&) {
  refuse(close_code::protocol_error, "unexpected_type", "a console sends nothing");
}

shared_message console_connection::next_message() {
  if (!console_id_) return nullptr;
  auto event = state_->feed().next(*console_id_);
  if (!event) return nullptr;
  return own_message(protocol::request_type::console_event, *event);
}

void console_connection::wake() {
  post([this] { flush(); });
}

void console_connection::shut_down(close_code code, std::string_view message) {
  close_from_outside(code, message);
}

void console_connection::on_finish(std::string_view why) {
  if (console_id_) state_->feed().remove(*console_id_);
  console_id_.reset();
  state_->unregister_viewer(login_.key, this);
  log_line("console disconnected " + who() + " reason=" + log_quote(why));
}

}  // namespace visit::server
