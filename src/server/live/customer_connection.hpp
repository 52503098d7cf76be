// A customer's WebSocket (/ws/customer; docs/protocol.md §3.1, §3.4, §3.5) over ws_connection.
//
// Waits for hello (a session code in it is redeemed first: budgets, then one lookup) and
// answers with the current wizard definition (+ paired_with); then waits up to 30 minutes for
// exactly one support_request, which request_intake validates, routes and stores; answers
// request_filed, registers with the hub and announces the request to the Call Manager. Only
// then does it feed the hub screen_info / frame / cursor / access_state / clipboard messages.
// Anything else before request_filed is refused.
// Outgoing: it builds and sequences its own messages; frame_ack and viewers are latest-wins
// slots; what the hub forwards (input, paste, clipboard, control requests) is queued in order
// and bounded (beyond control_queue_limit it is dropped, logged once).
// The end: a waiting request becomes abandoned; one in session stays in session, offline.
//
// Failure: a message that breaks these rules, a bad hello or support_request (request_intake's
// refusal) or a store error refuses this connection only (ws_connection::refuse).
// Threading: as ws_connection; the customer_sink methods are called by the hub from any thread
// (hub mutex held) and only post to the strand. Lifetime: shared_ptr; it leaves the hub in
// on_finish(), before it can be destroyed.
#pragma once
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "server/live/customer_sink.hpp"
#include "server/live/ws_connection.hpp"

namespace visit::server {

class customer_connection final : public ws_connection, public customer_sink {
 public:
  // How long a customer may take between its hello and support_request (§3.1).
  static constexpr std::chrono::minutes request_deadline{30};

  customer_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                      connection_limiter::slot slot, std::string peer);

  // customer_sink
  void send_frame_ack(std::uint32_t acked_sequence) override;
  void send_viewers(viewers_info info) override;
  void send(protocol::message_type type, std::vector<std::uint8_t> payload) override;
  void close(protocol::close_code code, std::string_view message) override;

 private:
  void on_open() override;
  void on_message(const protocol::message_view& m) override;
  shared_message next_message() override;
  void on_finish(std::string_view why) override;
  std::string identity() const override;

  void on_hello(const protocol::message_view& m);
  void on_support_request(const protocol::message_view& m);

  enum class phase { hello, request, filed } phase_ = phase::hello;
  std::string request_id_;
  bool registered_ = false;        // with the hub
  std::string paired_technician_;  // a session code paired this customer
  std::string resume_id_, resume_token_;
  static constexpr std::size_t control_queue_limit = 1 << 20;
  std::deque<std::pair<protocol::message_type, std::vector<std::uint8_t>>> control_queue_;
  std::size_t control_queue_bytes_ = 0;
  bool control_drop_logged_ = false;
  std::optional<std::uint32_t> pending_ack_;
  std::optional<viewers_info> pending_viewers_;
};

}  // namespace visit::server
