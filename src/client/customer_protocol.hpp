// The customer's side of the protocol on one connection, without I/O: builds the hello (with
// a session code or a resume ticket) and the support_request, numbers outgoing messages, and
// validates every incoming message (docs/protocol.md §3) — the server's hello with its wizard
// definition (checked with visit_wizard), request_filed, then the session's messages —
// turning it into an event for the session or into a refusal that closes the connection.
// Thread-safety: none; owned by the network thread. One instance per connection.
#pragma once
#include <boost/json/object.hpp>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "client/send_window.hpp"
#include "protocol/control.hpp"
#include "protocol/message.hpp"

namespace visit::client {

struct customer_identity {
  std::string client;  // "visit-client/<version>"
  std::string code;    // a session code, 9 digits (checked by the caller), or empty
};

// What request_filed gave, to re-attach the same request after a network drop (§3.1).
struct resume_ticket {
  std::string request_id;  // 32 lower-case hex
  std::string token;       // 32 lower-case hex
};

struct server_event {
  enum class kind {
    welcome,          // the server's hello: credit, wizard, wizard_version, technician_* (paired)
    bad_wizard,       // the server's hello carried an invalid wizard: problems (fatal)
    filed,            // request_filed: request_id, queue, technician_* (or empty), resume_token
    viewers,          // viewers, technicians_listed, technicians
    acked,            // released frames
    closing,          // the server's close_reason: code, text (raw; log through printable())
    refused,          // invalid input: close with close_reason{code, text}
    control_request,  // technician_id, technician_name
    input,            // technician_id (from), events
    paste_text,       // technician_id (from), text
    clipboard,        // technician_id (from), text
  };
  kind what = kind::refused;
  std::string request_id;
  std::uint32_t credit = 0;
  bool access_control = false;  // welcome: the server's hello has "access_control": true
  int viewers = 0;
  bool technicians_listed = false;       // viewers: the server named the technicians
  std::vector<std::string> technicians;  // viewers: their ids
  std::uint32_t released = 0;
  // closing: the code the server sent (protocol_error for a string that names no close_code,
  // so an unknown code never passes for a known one); decisions compare this.
  protocol::close_code code = protocol::close_code::protocol_error;
  std::string code_text;  // closing: the code string as the server sent it, for the log
  std::string text;
  std::string technician_id;
  std::string technician_name;
  std::vector<protocol::input_event> events;
  boost::json::object wizard;         // welcome: the definition, valid per §10.1
  std::int64_t wizard_version = 0;    // welcome
  std::vector<std::string> problems;  // bad_wizard
  std::string queue;                  // filed
  std::string resume_token;           // filed
};

class customer_protocol {
 public:
  explicit customer_protocol(const customer_identity& identity) : identity_(identity) {}

  // The first message of the connection (sequence 1): with `resume` when the request was
  // filed on an earlier connection, else with the identity's code, if any.
  std::vector<std::uint8_t> hello(const resume_ticket* resume = nullptr);
  // The support_request carrying `json` (the confirmed payload, sent byte-exact).
  std::vector<std::uint8_t> support_request(std::string_view json);
  // Gives a whole message built with sequence 0 its sequence number; counts frames in the
  // send window.
  void stamp(std::vector<std::uint8_t>& message, bool is_frame);
  // An access_state message (protocol.md §3.3), sequence 0: stamp() it when it goes out.
  static std::vector<std::uint8_t> access_state(std::string_view json);
  // A close_reason message to send before closing.
  std::vector<std::uint8_t> close_reason(protocol::close_code code, std::string_view text);

  // Validates one incoming WebSocket message.
  server_event on_message(std::span<const std::uint8_t> bytes, bool binary);

  bool welcomed() const { return welcomed_; }
  // request_filed arrived: the session (screen, access control) may begin.
  bool filed() const { return filed_; }
  const send_window& window() const { return window_; }

 private:
  server_event on_hello(std::span<const std::uint8_t> payload);
  server_event on_request_filed(std::span<const std::uint8_t> payload);
  server_event on_viewers(std::span<const std::uint8_t> payload);
  server_event on_close_reason(std::span<const std::uint8_t> payload);
  server_event on_frame_ack(std::span<const std::uint8_t> payload);
  server_event on_control_request(std::span<const std::uint8_t> payload);
  server_event on_remote(const protocol::message_view& m);

  const customer_identity& identity_;  // owned by the session, outlives every connection
  std::uint32_t next_out_ = 1;
  std::uint32_t next_in_ = 1;
  bool welcomed_ = false;
  bool filed_ = false;
  send_window window_;
};

}  // namespace visit::client
