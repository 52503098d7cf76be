#include "server/shared_state.hpp"

#include "server/log.hpp"

namespace visit::server {

shared_state::shared_state(serve_options options, std::unique_ptr<store> db,
                           std::string fingerprint, std::unique_ptr<audit_log> audit)
    : options_(std::move(options)),
      store_(std::move(db)),
      fingerprint_(std::move(fingerprint)),
      audit_(std::move(audit)),
      sessions_(real_steady_clock()),
      throttle_(real_steady_clock()),
      limiter_(std::make_shared<connection_limiter>(
          static_cast<std::size_t>(options_.max_connections_per_address),
          static_cast<std::size_t>(options_.max_connections))) {
  hub_.set_audit(audit_.get());
}

shared_state::~shared_state() {
  auth_pool_.join();
}

shared_state::login_outcome shared_state::authenticate(const std::string& address,
                                                       const std::string& username,
                                                       const std::string& password) {
  login_outcome out;
  out.retry_after = throttle_.retry_after(address, username);
  if (out.retry_after.count() > 0) {
    out.kind = login_outcome::result::throttled;
    return out;
  }
  auto user = store_->find_user(username);
  bool ok =
      user ? hasher_.verify(user->password_hash, password) : hasher_.verify_unknown_user(password);
  if (ok) {
    throttle_.record_success(address, username);
    out.kind = login_outcome::result::ok;
    out.user = std::move(*user);
  } else {
    throttle_.record_failure(address, username);
    out.kind = login_outcome::result::invalid;
  }
  return out;
}

void shared_state::refresh_request_state(const std::string& request_id) {
  std::lock_guard lock(request_state_mutex_);
  if (!hub_.is_online(request_id)) return;  // the customer's end writes "ended"
  store_->set_request_state(
      request_id, hub_.viewer_count(request_id) > 0 ? "in_session" : "waiting", unix_now());
}

void shared_state::register_viewer(const std::string& login_key, std::weak_ptr<live_connection> c) {
  std::lock_guard lock(registry_mutex_);
  viewers_by_login_[login_key].push_back(std::move(c));
}

void shared_state::unregister_viewer(const std::string& login_key, const live_connection* c) {
  std::lock_guard lock(registry_mutex_);
  auto it = viewers_by_login_.find(login_key);
  if (it == viewers_by_login_.end()) return;
  std::erase_if(it->second, [c](const std::weak_ptr<live_connection>& w) {
    auto p = w.lock();
    return !p || p.get() == c;
  });
  if (it->second.empty()) viewers_by_login_.erase(it);
}

std::size_t shared_state::close_viewers_of(const std::string& login_key, protocol::close_code code,
                                           std::string_view message) {
  std::vector<std::shared_ptr<live_connection>> live;
  {
    std::lock_guard lock(registry_mutex_);
    auto it = viewers_by_login_.find(login_key);
    if (it == viewers_by_login_.end()) return 0;
    for (auto& w : it->second) {
      if (auto p = w.lock()) live.push_back(std::move(p));
    }
  }
  for (auto& c : live) c->shut_down(code, message);
  return live.size();
}

void shared_state::sweep_login_sessions() {
  std::vector<std::string> watching;
  {
    std::lock_guard lock(registry_mutex_);
    for (auto& [key, list] : viewers_by_login_) watching.push_back(key);
  }
  for (auto& key : watching) sessions_.touch(key);
  for (auto& key : sessions_.expire()) {
    std::size_t n =
        close_viewers_of(key, protocol::close_code::unauthorized, "the login session expired");
    log_line("login_session expired key=" + key.substr(0, 12) +
             " websockets_closed=" + std::to_string(n));
  }
}

}  // namespace visit::server
