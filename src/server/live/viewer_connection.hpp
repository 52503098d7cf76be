// A technician watching a request (/ws/view/{id}) over ws_connection. It joins the hub, which
// sequences and paces everything the viewer receives (one send at a time, credit, latest-wins
// tiles); it feeds the hub the viewer's frame_acks and control messages (control_request,
// input, paste_text, clipboard). A viewer sends nothing else but an optional hello and
// close_reason; access_state comes from the customer only.
// Once in the hub, its close_reason is sequenced by the hub too (send_close_reason).
//
// Failure: an unknown request id is refused not_found; a message that breaks these rules
// refuses this viewer only (ws_connection::refuse).
// Threading: as ws_connection; the viewer_sink methods (hub, any thread, hub mutex held) and
// shut_down() (logout, any thread) only post to the strand. Lifetime: shared_ptr; it leaves the
// hub and the per-login registry in on_finish(), before it can be destroyed.
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "server/live/live_connection.hpp"
#include "server/live/session_hub.hpp"
#include "server/live/viewer_sink.hpp"
#include "server/live/ws_connection.hpp"

namespace visit::server {

class viewer_connection final : public ws_connection, public viewer_sink, public live_connection {
 public:
  viewer_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                    connection_limiter::slot slot, std::string peer, std::string request_id,
                    login_identity login);

  // viewer_sink
  void send(shared_message message) override;
  void close(shared_message close_reason) override;
  // live_connection
  void shut_down(protocol::close_code code, std::string_view message) override;

 private:
  void on_open() override;
  void on_message(const protocol::message_view& m) override;
  void on_written() override;
  void send_close_reason(protocol::close_code code, std::string_view message) override;
  void on_finish(std::string_view why) override;
  std::string identity() const override;

  std::string request_id_;
  login_identity login_;
  std::optional<session_hub::viewer_id> viewer_id_;  // while in the hub
};

}  // namespace visit::server
