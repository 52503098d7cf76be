// The customer's authority over its own input (docs/protocol.md §3.3): Read-Only, a pending
// request by one or more technicians, or Full-Access for exactly one technician. A grant
// comes only from grant(), which only the local control socket (ctl_server) calls — never
// network code. Every change produces an access_state JSON for the server and a log line;
// every exit from Full-Access (and every pause or hand-over) calls input_sink::release_all()
// and says in that access_state what it released ("released": {"keys", "buttons"}).
// The server's `viewers` list of technicians (on_technicians) ends Full-Access when the
// controller is no longer watching, and a grant goes only to a technician still watching.
//
// Pure: no I/O, time from an injected clock. Thread-safety: none; the network thread owns it.
#pragma once
#include <chrono>
#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "client/input_sink.hpp"

namespace visit::client {

struct technician {
  std::string id;    // protocol::is_valid_technician_id
  std::string name;  // 1..128 bytes of UTF-8
  bool operator==(const technician&) const = default;
};

enum class access_mode { read_only, requested, full_access };
enum class access_reason {
  initial,
  requested,
  granted,
  revoked,
  mouse_precedence,
  paused,
  resumed,
  disconnect,
  timeout,
};
std::string_view to_string(access_mode m);
std::string_view to_string(access_reason r);

// What local mouse or keyboard use does during Full-Access.
struct local_input_policy {
  // zero: return to Read-Only (mouse precedence); otherwise pause remote input this long.
  std::chrono::milliseconds pause{0};
};

class access_control {
 public:
  using clock = std::function<std::chrono::steady_clock::time_point()>;
  // publish(json): an access_state payload to send (dropped by the session when offline).
  using publisher = std::function<void(const std::string& json)>;
  using logger = std::function<void(const std::string& line)>;

  static constexpr std::size_t max_pending = 16;

  access_control(input_sink& sink, local_input_policy policy, clock now, publisher publish,
                 logger log);

  // --- network side -------------------------------------------------------------------------
  // A (new or resumed) connection got the server's hello: always Read-Only; publishes
  // `initial` so the server and viewers see the state.
  void on_connected();
  // The connection ended: Read-Only, pending requests forgotten.
  void on_disconnected(access_reason why = access_reason::disconnect);
  // A technician asked for control (control_request from the server). Never grants.
  void on_control_request(const technician& t);
  // Should an input event from `technician_id` be applied? Counts refusals in dropped().
  bool accept_input(std::string_view technician_id);
  // The server's list of the technicians watching (viewers "technicians"). Forgets the
  // requests of those gone; when the controller is gone: Read-Only (reason disconnect), every
  // key and button released.
  void on_technicians(std::vector<std::string> ids);

  // --- local side (ctl_server, later the window's button) -------------------------------------
  struct grant_result {
    bool ok = false;
    std::string message;  // what to tell the local user
  };
  // Grants Full-Access to the technician who asked; `to` picks one when several asked.
  grant_result grant(std::optional<std::string> to = std::nullopt);
  // Back to Read-Only (also declines pending requests). False if already Read-Only.
  bool revoke();
  // The customer used the local mouse or keyboard.
  void on_local_input();
  // Ends a pause whose time is up (publishes `resumed`); the client calls it at pause_ends(),
  // since a paused console sends nothing that could end the pause otherwise.
  void on_tick();

  // --- state --------------------------------------------------------------------------------
  access_mode mode() const { return mode_; }
  const std::optional<technician>& controller() const { return controller_; }
  const std::vector<technician>& pending() const { return pending_; }
  bool paused() const;
  // When the current pause ends; nullopt when not paused.
  std::optional<std::chrono::steady_clock::time_point> pause_ends() const { return paused_until_; }
  std::uint64_t dropped() const { return dropped_; }
  std::uint64_t accepted() const { return accepted_; }
  // The current access_state JSON (as last published).
  std::string state_json(access_reason reason,
                         std::optional<released_input> released = std::nullopt) const;

 private:
  void change(access_mode mode, std::optional<technician> controller, access_reason reason,
              std::optional<released_input> released = std::nullopt);
  void publish(access_reason reason, const std::string& log,
               std::optional<released_input> released = std::nullopt);
  bool watching(std::string_view id) const;

  input_sink& sink_;
  local_input_policy policy_;
  clock now_;
  publisher publish_;
  logger log_;
  access_mode mode_ = access_mode::read_only;
  std::optional<technician> controller_;
  std::vector<technician> pending_;
  // The technicians watching, as the server last listed them (nullopt: a server that does not
  // list them), plus those who asked for control since.
  std::optional<std::vector<std::string>> watching_;
  std::optional<std::chrono::steady_clock::time_point> paused_until_;
  std::uint64_t dropped_ = 0;
  std::uint64_t accepted_ = 0;
};

}  // namespace visit::client
