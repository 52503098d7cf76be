#include "server/shared_state.hpp"

#include <sodium.h>

#include <boost/json.hpp>

#include "server/api/request_routes.hpp"
#include "server/auth/roles.hpp"
#include "server/auth/totp.hpp"
#include "server/log.hpp"
#include "wizard/wizard.hpp"

namespace visit::server {

shared_state::shared_state(serve_options options, std::unique_ptr<store> db,
                           std::string fingerprint, std::unique_ptr<audit_log> audit)
    : options_(std::move(options)),
      store_(std::move(db)),
      fingerprint_(std::move(fingerprint)),
      audit_(std::move(audit)),
      sessions_(real_steady_clock(), options_.idle_timeout, options_.absolute_timeout),
      throttle_(real_steady_clock()),
      vault_(options_.data_dir),
      limiter_(std::make_shared<connection_limiter>(
          static_cast<std::size_t>(options_.max_connections_per_address),
          static_cast<std::size_t>(options_.max_connections))),
      feed_([this](const console_feed::viewer& who) { return console_snapshot(who); }) {
  codes_ = std::make_unique<session_codes>(
      *store_, session_codes::load_or_create_key(options_.data_dir / "code_key"),
      [] { return unix_now(); }, session_codes::config{.ttl_s = options_.code_ttl_seconds});
  hub_.set_audit(audit_.get());
}

shared_state::~shared_state() {
  auth_pool_.join();
}

shared_state::login_outcome shared_state::authenticate(const std::string& address,
                                                       const std::string& username,
                                                       const std::string& password,
                                                       const std::string* totp_code) {
  using result = login_outcome::result;
  login_outcome out;
  out.retry_after = throttle_.retry_after(address, username);
  if (out.retry_after.count() > 0) {
    out.kind = result::throttled;
    return out;
  }
  auto user = store_->find_user(username);
  bool ok =
      user ? hasher_.verify(user->password_hash, password) : hasher_.verify_unknown_user(password);
  // A disabled user is answered like a wrong password, after the same work.
  if (!ok || user->disabled) {
    throttle_.record_failure(address, username);
    out.kind = result::invalid;
    return out;
  }
  if (user->totp_enabled()) {
    if (!totp_code) {
      out.kind = result::totp_required;
      return out;
    }
    bool passed = false;
    if (auto secret = vault_.open(user->totp_secret)) {
      if (auto key = totp::base32_decode(*secret)) {
        auto step = totp::verify(*key, *totp_code, unix_now(), user->totp_last_step);
        // The store refuses a step not later than the last one: two logins racing with the
        // same code cannot both pass.
        passed = step && store_->advance_totp_step(user->id, *step);
        sodium_memzero(key->data(), key->size());
      }
      sodium_memzero(secret->data(), secret->size());
    } else {
      log_line("login totp_secret_unreadable user=" + log_quote(username, 64) +
               " (was DATA_DIR/secrets.key replaced?)");
    }
    if (!passed) {
      throttle_.record_failure(address, username);
      out.kind = result::totp_invalid;
      return out;
    }
  }
  throttle_.record_success(address, username);
  store_->set_last_login(user->id, unix_now());
  out.kind = result::ok;
  out.user = std::move(*user);
  return out;
}

std::size_t shared_state::close_sessions(const std::vector<std::string>& keys,
                                         std::string_view why) {
  std::size_t n = 0;
  for (const auto& key : keys) n += close_viewers_of(key, protocol::close_code::unauthorized, why);
  return n;
}

void shared_state::request_changed(const std::string& request_id) {
  auto r = store_->find_request(request_id);
  if (!r) return;
  bool online = hub_.is_online(request_id);
  std::size_t viewers = hub_.viewer_count(request_id);
  boost::json::object event;
  event["event"] = "request";
  event["server_time"] = unix_now();
  event["request"] = request_summary(*r, online, viewers, store_->note_count(request_id));
  std::string text = boost::json::serialize(event);
  feed_.publish(request_id, text, [this, &r](const console_feed::viewer& who) {
    auto role = parse_role(who.role);  // always a role's word: it comes from a login session
    return role && may_see(*store_, *r, who.username, *role);
  });
}

void shared_state::resync_consoles() {
  feed_.resync_all();
}

std::string shared_state::requests_json(const std::string& username, technician_role role,
                                        std::vector<std::string>* ids) {
  boost::json::array list;
  for (auto& r : store_->list_requests(unix_now() - 24 * 3600, 500)) {
    if (!may_see(*store_, r, username, role)) continue;
    if (ids) ids->push_back(r.id);
    list.push_back(request_summary(r, hub_.is_online(r.id), hub_.viewer_count(r.id),
                                   store_->note_count(r.id)));
  }
  return boost::json::serialize(list);
}

console_feed::snapshot shared_state::console_snapshot(const console_feed::viewer& who) {
  console_feed::snapshot out;
  boost::json::object o;
  o["event"] = "snapshot";
  o["server_time"] = unix_now();
  auto role = parse_role(who.role);  // always a role's word: it comes from a login session
  o["requests"] =
      boost::json::parse(role ? requests_json(who.username, *role, &out.ids) : std::string("[]"));
  boost::json::array queues;
  for (auto& q : store_->list_queues()) {
    queues.push_back({{"name", q.name}, {"title", q.title}, {"min_role", q.min_role}});
  }
  o["queues"] = std::move(queues);
  out.json = boost::json::serialize(o);
  return out;
}

void shared_state::ensure_wizard() {
  if (store_->current_wizard()) return;
  auto v = store_->add_wizard(boost::json::serialize(wizard::default_definition()), "visit-server",
                              unix_now());
  if (v) log_line("wizard stored the default definition as version " + std::to_string(*v));
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
  // Accounts changed behind the server's back (the CLI writes the store directly).
  std::unordered_map<std::int64_t, user_record> users;
  for (auto& u : store_->list_users()) users.emplace(u.id, std::move(u));
  if (users.empty()) return;  // a store error: end nobody
  auto ended = sessions_.remove_if_not([&](const login_sessions::session& s) {
    auto it = users.find(s.user_id);
    return it != users.end() && !it->second.disabled && role_at_least(it->second.role, s.role);
  });
  for (auto& [id, u] : users) sessions_.set_role(id, u.role);  // promotions take effect
  for (auto& key : ended) {
    std::size_t n = close_viewers_of(key, protocol::close_code::unauthorized,
                                     "the account was disabled or its role changed");
    log_line("login_session ended key=" + key.substr(0, 12) +
             " reason=account_changed websockets_closed=" + std::to_string(n));
  }
}

}  // namespace visit::server
