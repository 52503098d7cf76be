#include "server/api/account_routes.hpp"

#include <sodium.h>

#include <boost/json.hpp>
#include <ctime>

#include "protocol/message.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/auth/roles.hpp"
#include "server/auth/totp.hpp"
#include "server/cli/command_line.hpp"
#include "server/http/http_policy.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"

namespace visit::server {

namespace json = boost::json;

namespace {

constexpr std::string_view totp_issuer = "visit";

std::string iso_time(std::int64_t unix_seconds) {
  std::time_t t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

api_reply reply(unsigned status, const json::object& body) {
  return api_reply{status, json::serialize(body), {}};
}

api_reply error(unsigned status, std::string_view message) {
  return reply(status, json::object{{"error", message}});
}

api_reply no_content() {
  return api_reply{204, {}, {}};
}

// Parsed JSON body: an object, or an error reply. The body is wiped after parsing.
struct parsed_body {
  json::object o;
  std::optional<api_reply> problem;
};

parsed_body parse_body(api_call& call) {
  parsed_body out;
  boost::system::error_code ec;
  json::value v = json::parse(call.body, ec);
  sodium_memzero(call.body.data(), call.body.size());
  if (ec || !v.is_object()) {
    out.problem = error(400, "expected a JSON object");
    return out;
  }
  out.o = std::move(v.as_object());
  return out;
}

// Member `key` of `o`: absent -> nullopt with ok; present but not a string of valid UTF-8
// within `max` bytes -> ok = false.
std::optional<std::string> string_member(const json::object& o, std::string_view key,
                                         std::size_t max, bool& ok) {
  auto it = o.find(key);
  if (it == o.end()) return std::nullopt;
  if (!it->value().is_string()) {
    ok = false;
    return std::nullopt;
  }
  const auto& s = it->value().as_string();
  std::string_view sv(s.data(), s.size());
  if (sv.size() > max || !protocol::is_valid_utf8(sv)) {
    ok = false;
    return std::nullopt;
  }
  return std::string(sv);
}

void wipe(std::optional<std::string>& s) {
  if (s) sodium_memzero(s->data(), s->size());
}

json::object user_json(const user_record& u) {
  json::object o;
  o["username"] = u.username;
  o["role"] = to_string(u.role);
  o["disabled"] = u.disabled;
  o["totp_enabled"] = u.totp_enabled();
  o["created_at"] = iso_time(u.created_at);
  if (u.last_login_at) {
    o["last_login_at"] = iso_time(*u.last_login_at);
  } else {
    o["last_login_at"] = nullptr;
  }
  return o;
}

class handler {
 public:
  handler(shared_state& state, api_call& call) : state_(state), call_(call) {}

  api_reply run() {
    switch (call_.kind) {
      case route_kind::login:
        return login();
      case route_kind::me:
        return me();
      case route_kind::me_password:
        return change_password();
      case route_kind::me_totp_setup:
        return totp_setup();
      case route_kind::me_totp_enable:
        return totp_enable();
      case route_kind::me_totp_disable:
        return totp_disable();
      case route_kind::admin_users:
        return call_.method == "GET" ? list_users() : create_user();
      case route_kind::admin_user:
        return change_user();
      default:
        return error(404, "not found");
    }
  }

 private:
  // The caller's session and fresh account record (the CSRF token and Origin of a POST were
  // checked before the call, docs/security.md). An error reply when either is missing.
  std::optional<api_reply> require_login() {
    if (!call_.session) return error(401, "not logged in");
    user_ = state_.db().find_user_by_id(call_.session->user_id);
    if (!user_ || user_->disabled) {
      // Disabled or removed while logged in: end the session now rather than at the sweep.
      state_.close_sessions(state_.sessions().remove_user(call_.session->user_id),
                            "the account was disabled");
      return error(401, "not logged in");
    }
    return std::nullopt;
  }

  std::optional<api_reply> require_admin() {
    if (auto e = require_login()) return e;
    if (!role_at_least(user_->role, technician_role::admin)) {
      log_line("refused address=" + call_.peer + " route=" + std::string(to_string(call_.kind)) +
               " reason=role user=" + log_quote(user_->username, 64) +
               " role=" + std::string(to_string(user_->role)));
      return error(403, "admins only");
    }
    return std::nullopt;
  }

  // Password checks by a logged-in user (old password, TOTP disable) are throttled like
  // logins, so a stolen cookie cannot be used to guess the password at speed.
  std::optional<api_reply> verify_own_password(const std::string& password) {
    auto wait = state_.throttle().retry_after(call_.ip, user_->username);
    if (wait.count() > 0) {
      api_reply r = error(429, "too many attempts, try again later");
      r.headers.emplace_back("Retry-After", std::to_string((wait.count() + 999) / 1000));
      return r;
    }
    if (!state_.hasher().verify(user_->password_hash, password)) {
      state_.throttle().record_failure(call_.ip, user_->username);
      log_line("account password_check_failed address=" + call_.peer +
               " user=" + log_quote(user_->username, 64));
      return error(400, "the password is wrong");
    }
    return std::nullopt;
  }

  std::optional<std::string> hash_new_password(const std::string& password, api_reply& problem) {
    if (auto why = new_password_problem(password)) {
      problem = error(400, *why);
      return std::nullopt;
    }
    auto h = state_.hasher().hash(password);
    if (!h) problem = error(503, "cannot hash the password now (out of memory), try again");
    return h;
  }

  // --- POST /api/login ------------------------------------------------------------------
  api_reply login() {
    if (!call_.json_content) return error(415, "expected application/json");
    if (!call_.origin_ok) {
      log_line("refused address=" + call_.peer + " path=/api/login reason=bad_origin");
      return error(403, "forbidden origin");
    }
    auto body = parse_body(call_);
    bool ok = true;
    auto username = string_member(body.o, "username", 128, ok);
    auto password = string_member(body.o, "password", password_hasher::max_password_bytes, ok);
    auto totp = string_member(body.o, "totp", 16, ok);
    if (body.problem || !ok || !username || !password || username->empty() || password->empty()) {
      wipe(password);
      return error(400, "expected {\"username\", \"password\", \"totp\"?}");
    }
    auto outcome = state_.authenticate(call_.ip, *username, *password, totp ? &*totp : nullptr);
    wipe(password);
    using result = shared_state::login_outcome::result;
    switch (outcome.kind) {
      case result::throttled: {
        auto secs = (outcome.retry_after.count() + 999) / 1000;
        log_line("login throttled address=" + call_.peer + " user=" + log_quote(*username, 64) +
                 " retry_after_s=" + std::to_string(secs));
        api_reply r = error(429, "too many attempts, try again later");
        r.headers.emplace_back("Retry-After", std::to_string(secs));
        return r;
      }
      case result::invalid:
        log_line("login failed address=" + call_.peer + " user=" + log_quote(*username, 64));
        return error(401, "invalid credentials");
      case result::totp_required:
        log_line("login second_factor_required address=" + call_.peer +
                 " user=" + log_quote(*username, 64));
        return reply(401, {{"error", "second factor required"}, {"totp_required", true}});
      case result::totp_invalid:
        log_line("login failed address=" + call_.peer + " user=" + log_quote(*username, 64) +
                 " reason=second_factor");
        return reply(401, {{"error", "invalid second factor"}, {"totp_required", true}});
      case result::ok:
        break;
    }
    auto& u = outcome.user;
    auto created = state_.sessions().create(u.id, u.username, u.role);
    log_line("login ok address=" + call_.peer + " user=" + log_quote(u.username, 64) + " role=" +
             std::string(to_string(u.role)) + " totp=" + (u.totp_enabled() ? "yes" : "no") +
             " session=" + created.s.key.substr(0, 12));
    api_reply r = reply(200, {{"username", u.username},
                              {"role", to_string(u.role)},
                              {"csrf", created.s.csrf},
                              {"totp_enabled", u.totp_enabled()}});
    r.headers.emplace_back("Set-Cookie", session_cookie(created.token));
    sodium_memzero(created.token.data(), created.token.size());
    return r;
  }

  // --- GET /api/me ------------------------------------------------------------------------
  api_reply me() {
    if (auto e = require_login()) return *e;
    return reply(200, {{"username", user_->username},
                       {"role", to_string(user_->role)},
                       {"csrf", call_.session->csrf},
                       {"totp_enabled", user_->totp_enabled()}});
  }

  // --- POST /api/me/password --------------------------------------------------------------
  api_reply change_password() {
    if (auto e = require_login()) return *e;
    auto body = parse_body(call_);
    if (body.problem) return *body.problem;
    bool ok = true;
    auto old_pw = string_member(body.o, "old", password_hasher::max_password_bytes, ok);
    auto new_pw = string_member(body.o, "new", 4 * max_new_password_bytes, ok);
    auto done = [&](api_reply r) {
      wipe(old_pw);
      wipe(new_pw);
      return r;
    };
    if (!ok || !old_pw || !new_pw) return done(error(400, "expected {\"old\", \"new\"}"));
    if (auto why = new_password_problem(*new_pw)) return done(error(400, "new: " + *why));
    if (auto e = verify_own_password(*old_pw)) return done(*e);
    api_reply problem;
    auto hash = hash_new_password(*new_pw, problem);
    if (!hash) return done(problem);
    if (state_.db().set_password_hash(user_->username, *hash, unix_now()) !=
        store::change_result::changed) {
      return done(error(500, "cannot store the password"));
    }
    state_.throttle().record_success(call_.ip, user_->username);
    auto ended = state_.sessions().remove_user(user_->id, call_.session->key);
    std::size_t closed = state_.close_sessions(ended, "the password was changed");
    log_line("account password_changed address=" + call_.peer +
             " user=" + log_quote(user_->username, 64) + " other_sessions_ended=" +
             std::to_string(ended.size()) + " websockets_closed=" + std::to_string(closed));
    return done(no_content());
  }

  // --- POST /api/me/totp/* ----------------------------------------------------------------
  api_reply totp_setup() {
    if (auto e = require_login()) return *e;
    sodium_memzero(call_.body.data(), call_.body.size());
    if (user_->totp_enabled()) return error(409, "TOTP is already on; turn it off first");
    std::string secret = totp::new_secret();
    if (state_.db().set_totp_pending(user_->id, state_.vault().seal(secret)) !=
        store::change_result::changed) {
      return error(500, "cannot store the secret");
    }
    std::string uri = totp::otpauth_uri(totp_issuer, user_->username, secret);
    std::string svg = totp::qr_svg(uri);
    log_line("account totp_setup address=" + call_.peer +
             " user=" + log_quote(user_->username, 64));
    api_reply r = reply(200, {{"secret", secret}, {"uri", uri}, {"qr_svg", svg}});
    sodium_memzero(secret.data(), secret.size());
    sodium_memzero(uri.data(), uri.size());
    return r;
  }

  api_reply totp_enable() {
    if (auto e = require_login()) return *e;
    auto body = parse_body(call_);
    if (body.problem) return *body.problem;
    bool ok = true;
    auto code = string_member(body.o, "code", 16, ok);
    if (!ok || !code) return error(400, "expected {\"code\"}");
    if (user_->totp_enabled()) return error(409, "TOTP is already on");
    if (user_->totp_pending.empty()) return error(409, "no TOTP setup pending; set it up first");
    auto secret = state_.vault().open(user_->totp_pending);
    auto key = secret ? totp::base32_decode(*secret) : std::nullopt;
    if (!key) return error(500, "the pending secret cannot be read; set TOTP up again");
    auto step = totp::verify(*key, *code, unix_now(), 0);
    sodium_memzero(key->data(), key->size());
    if (!step) {
      sodium_memzero(secret->data(), secret->size());
      return error(400, "wrong code: enter the 6 digits your app shows now");
    }
    auto r = state_.db().enable_totp(user_->id, state_.vault().seal(*secret), *step);
    sodium_memzero(secret->data(), secret->size());
    if (r != store::change_result::changed) return error(500, "cannot store the secret");
    log_line("account totp_enabled address=" + call_.peer +
             " user=" + log_quote(user_->username, 64));
    return no_content();
  }

  api_reply totp_disable() {
    if (auto e = require_login()) return *e;
    auto body = parse_body(call_);
    if (body.problem) return *body.problem;
    bool ok = true;
    auto password = string_member(body.o, "password", password_hasher::max_password_bytes, ok);
    if (!ok || !password) return error(400, "expected {\"password\"}");
    auto e = verify_own_password(*password);
    wipe(password);
    if (e) return *e;
    if (state_.db().clear_totp(user_->username) != store::change_result::changed) {
      return error(500, "cannot change the account");
    }
    log_line("account totp_disabled address=" + call_.peer +
             " user=" + log_quote(user_->username, 64));
    return no_content();
  }

  // --- /api/admin/users -------------------------------------------------------------------
  api_reply list_users() {
    if (auto e = require_admin()) return *e;
    json::array list;
    for (const auto& u : state_.db().list_users()) list.push_back(user_json(u));
    return reply(200, {{"users", std::move(list)}});
  }

  api_reply create_user() {
    if (auto e = require_admin()) return *e;
    auto body = parse_body(call_);
    if (body.problem) return *body.problem;
    bool ok = true;
    auto username = string_member(body.o, "username", 64, ok);
    auto role = string_member(body.o, "role", 16, ok);
    auto password = string_member(body.o, "password", 4 * max_new_password_bytes, ok);
    auto done = [&](api_reply r) {
      wipe(password);
      return r;
    };
    if (!ok || !username || !role || !password) {
      return done(error(400, "expected {\"username\", \"role\", \"password\"}"));
    }
    if (!is_valid_username(*username)) {
      return done(error(400,
                        "username: 1 to 64 of A-Z a-z 0-9 . _ @ -, starting with a letter or "
                        "digit"));
    }
    auto new_role = parse_role(*role);
    if (!new_role) return done(error(400, "role: admin, senior or technician"));
    api_reply problem;
    auto hash = hash_new_password(*password, problem);
    if (!hash) return done(problem);
    switch (state_.db().add_user(*username, *new_role, *hash, unix_now())) {
      case store::add_result::added:
        break;
      case store::add_result::duplicate:
        return done(error(409, "user '" + *username + "' already exists"));
      case store::add_result::failed:
        return done(error(500, "cannot store the user"));
    }
    log_line("admin user_added by=" + log_quote(user_->username, 64) +
             " user=" + log_quote(*username, 64) + " role=" + *role);
    auto created = state_.db().find_user(*username);
    if (!created) return done(error(500, "cannot read the user back"));
    return done(reply(201, user_json(*created)));
  }

  api_reply change_user() {
    if (auto e = require_admin()) return *e;
    auto body = parse_body(call_);
    if (body.problem) return *body.problem;
    const json::object& o = body.o;
    bool ok = true;
    auto role = string_member(o, "role", 16, ok);
    auto password = string_member(o, "password", 4 * max_new_password_bytes, ok);
    std::optional<bool> disabled;
    bool reset_totp = false;
    for (const auto& kv : o) {
      std::string_view k = kv.key();
      if (k == "disabled") {
        if (!kv.value().is_bool())
          ok = false;
        else
          disabled = kv.value().as_bool();
      } else if (k == "reset_totp") {
        if (!kv.value().is_bool() || !kv.value().as_bool()) ok = false;
        reset_totp = true;
      } else if (k != "role" && k != "password") {
        ok = false;
      }
    }
    auto done = [&](api_reply r) {
      wipe(password);
      return r;
    };
    if (!ok || o.empty()) {
      return done(error(400,
                        "expected any of {\"role\": ROLE, \"disabled\": true|false, "
                        "\"password\": NEW, \"reset_totp\": true}"));
    }
    std::optional<technician_role> new_role;
    if (role) {
      new_role = parse_role(*role);
      if (!new_role) return done(error(400, "role: admin, senior or technician"));
    }
    auto target = state_.db().find_user(call_.target_user);
    if (!target) return done(error(404, "no such user"));
    std::optional<std::string> hash;
    if (password) {
      api_reply problem;
      hash = hash_new_password(*password, problem);
      if (!hash) return done(problem);
    }
    auto& db = state_.db();
    const std::string& name = target->username;
    bool demoted = false, promoted = false;
    if (new_role && *new_role != target->role) {
      switch (db.set_role(name, *new_role)) {
        case store::change_result::changed:
          demoted = !role_at_least(*new_role, target->role);
          promoted = !demoted;
          break;
        case store::change_result::last_admin:
          return done(error(400, "cannot demote the last enabled admin; make another admin first"));
        case store::change_result::no_user:
          return done(error(404, "no such user"));
        case store::change_result::failed:
          return done(error(500, "cannot change the user"));
      }
    }
    if (disabled && *disabled != target->disabled) {
      switch (db.set_disabled(name, *disabled)) {
        case store::change_result::changed:
          break;
        case store::change_result::last_admin:
          return done(
              error(400, "cannot disable the last enabled admin; make another admin first"));
        case store::change_result::no_user:
          return done(error(404, "no such user"));
        case store::change_result::failed:
          return done(error(500, "cannot change the user"));
      }
    }
    if (hash && db.set_password_hash(name, *hash, unix_now()) != store::change_result::changed) {
      return done(error(500, "cannot change the password"));
    }
    if (reset_totp && db.clear_totp(name) != store::change_result::changed) {
      return done(error(500, "cannot reset TOTP"));
    }
    // Disabling, demoting or a new password set by an admin ends the user's live sessions
    // and closes their WebSockets; a promotion takes effect in the live sessions.
    std::size_t ended = 0, closed = 0;
    if ((disabled && *disabled) || demoted || hash) {
      auto keys = state_.sessions().remove_user(target->id);
      ended = keys.size();
      closed = state_.close_sessions(
          keys, (disabled && *disabled) ? "the account was disabled" : "the account was changed");
    } else if (promoted) {
      state_.sessions().set_role(target->id, *new_role);
    }
    log_line("admin user_changed by=" + log_quote(user_->username, 64) +
             " user=" + log_quote(name, 64) + (role ? " role=" + *role : std::string()) +
             (disabled ? std::string(" disabled=") + (*disabled ? "yes" : "no") : std::string()) +
             (hash ? " password=set" : "") + (reset_totp ? " totp=reset" : "") +
             " sessions_ended=" + std::to_string(ended) +
             " websockets_closed=" + std::to_string(closed));
    auto after = db.find_user(name);
    if (!after) return done(error(500, "cannot read the user back"));
    return done(reply(200, user_json(*after)));
  }

  shared_state& state_;
  api_call& call_;
  std::optional<user_record> user_;
};

}  // namespace

bool is_account_route(route_kind k) {
  switch (k) {
    case route_kind::login:
    case route_kind::me:
    case route_kind::me_password:
    case route_kind::me_totp_setup:
    case route_kind::me_totp_enable:
    case route_kind::me_totp_disable:
    case route_kind::admin_users:
    case route_kind::admin_user:
      return true;
    default:
      return false;
  }
}

bool runs_on_auth_thread(const api_call& call) {
  return call.method == "POST";
}

api_reply handle_account_route(shared_state& state, api_call& call) {
  return handler(state, call).run();
}

}  // namespace visit::server
