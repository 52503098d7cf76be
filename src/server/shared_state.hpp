// What all connections share (Beast's "shared_state"): configuration, the store, the session
// hub, login sessions and throttling, the password hasher and its thread, connection caps,
// and the registry of viewer WebSockets per login session.
// Thread-safety: every member is safe to use from any thread (each guards itself); the
// registry has its own mutex. Owned by shared_ptr; every connection holds one, so it outlives
// them all.
#pragma once
#include <atomic>
#include <boost/asio/thread_pool.hpp>
#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <unordered_map>
#include <vector>

#include "server/auth/login_sessions.hpp"
#include "server/auth/login_throttle.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/secret_box.hpp"
#include "server/auth/session_codes.hpp"
#include "server/cli/command_line.hpp"
#include "server/http/connection_limiter.hpp"
#include "server/live/console_feed.hpp"
#include "server/live/live_connection.hpp"
#include "server/live/session_hub.hpp"
#include "server/store/audit_log.hpp"
#include "server/store/store.hpp"

namespace visit::server {

class shared_state {
 public:
  // Limits of the HTTP and WebSocket layers (docs/security.md, "Limits").
  static constexpr std::size_t http_header_limit = 8 * 1024;
  static constexpr std::size_t http_body_limit = 64 * 1024;
  static constexpr std::chrono::seconds http_timeout{30};
  // A viewer's largest message is a full clipboard: 16 + 65 + 64 KiB.
  static constexpr std::size_t viewer_message_max = 16 + 65 + 64 * 1024;
  static constexpr int max_pending_logins = 32;

  // `audit` may be null (nothing is audited); the hub reports to it.
  shared_state(serve_options options, std::unique_ptr<store> db, std::string fingerprint,
               std::unique_ptr<audit_log> audit = nullptr);
  ~shared_state();

  const serve_options& options() const { return options_; }
  const std::string& fingerprint() const { return fingerprint_; }
  store& db() { return *store_; }
  session_hub& hub() { return hub_; }
  audit_log* audit() { return audit_.get(); }
  login_sessions& sessions() { return sessions_; }
  connection_limiter& limiter() { return *limiter_; }
  std::shared_ptr<connection_limiter> limiter_ptr() { return limiter_; }
  boost::asio::thread_pool& auth_pool() { return auth_pool_; }
  session_codes& codes() { return *codes_; }
  console_feed& feed() { return feed_; }
  std::atomic<int>& pending_logins() { return pending_logins_; }
  login_throttle& throttle() { return throttle_; }
  const password_hasher& hasher() const { return hasher_; }
  const secret_box& vault() const { return vault_; }

  // --- login (runs on the auth thread: Argon2id is slow on purpose) ---
  struct login_outcome {
    // invalid: unknown user, wrong password or disabled user (one answer for all three);
    // totp_required: the password is right, TOTP is on and no code was given (not counted
    // as a failure); totp_invalid: the password is right but the code is wrong or replayed
    // (counted as a failure).
    enum class result {
      ok,
      invalid,
      throttled,
      totp_required,
      totp_invalid
    } kind = result::invalid;
    std::chrono::milliseconds retry_after{0};
    user_record user;
  };
  // Throttle check, then password verification (a dummy one for unknown users, same cost),
  // then the second factor when the user has TOTP on; records the outcome with the throttle.
  // `address` is the client IP; `totp` the code sent, if any.
  login_outcome authenticate(const std::string& address, const std::string& username,
                             const std::string& password, const std::string* totp = nullptr);

  // Ends the login sessions `keys` were removed for: closes their viewer WebSockets with
  // `unauthorized` and `why`; returns how many WebSockets closed.
  std::size_t close_sessions(const std::vector<std::string>& keys, std::string_view why);

  // --- viewer WebSockets of each login session ---
  void register_viewer(const std::string& login_key, std::weak_ptr<live_connection> c);
  void unregister_viewer(const std::string& login_key, const live_connection* c);
  // Closes every viewer WebSocket of a login session with `code`; returns how many.
  std::size_t close_viewers_of(const std::string& login_key, protocol::close_code code,
                               std::string_view message);
  // Keeps login sessions with a live viewer from going idle, expires the others, ends the
  // sessions of users who were disabled, removed or demoted in the store (e.g. by the CLI
  // while the server runs), and closes the viewers of every session it ended. Called every
  // few seconds by the server's timer.
  void sweep_login_sessions();

  // A request was filed or changed (state, queue, technician, online, viewers, notes): tells
  // every Call Manager that may see it (console_feed), within the call.
  void request_changed(const std::string& request_id);
  // Every console gets a fresh snapshot (visibility rules changed, e.g. a queue's min_role).
  void resync_consoles();
  // The snapshot console_event of §3.6 for one technician.
  console_feed::snapshot console_snapshot(const console_feed::viewer& who);
  // The requests a technician may see, as SUMMARY objects (GET /api/requests, snapshots).
  std::string requests_json(const std::string& username, technician_role role,
                            std::vector<std::string>* ids);
  // Stores the default wizard definition as version 1 when none is stored (first start).
  void ensure_wizard();

  bool shutting_down() const { return shutting_down_; }
  void begin_shutdown() { shutting_down_ = true; }

 private:
  serve_options options_;
  std::unique_ptr<store> store_;
  std::string fingerprint_;
  std::unique_ptr<audit_log> audit_;  // before hub_: outlives it
  session_hub hub_;
  login_sessions sessions_;
  login_throttle throttle_;
  password_hasher hasher_;
  secret_box vault_;
  std::shared_ptr<connection_limiter> limiter_;
  std::atomic<int> pending_logins_{0};
  std::atomic<bool> shutting_down_{false};
  std::unique_ptr<session_codes> codes_;
  console_feed feed_;
  std::mutex registry_mutex_;
  std::unordered_map<std::string, std::vector<std::weak_ptr<live_connection>>> viewers_by_login_;
  boost::asio::thread_pool auth_pool_{1};  // last: joined first, before what it uses goes away
};

}  // namespace visit::server
