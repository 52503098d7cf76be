#include "server/http/http_session.hpp"

#include <sodium.h>

#include <boost/asio/dispatch.hpp>
#include <boost/asio/post.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/beast/websocket/rfc6455.hpp>
#include <boost/json.hpp>
#include <ctime>

#include "server/api/account_routes.hpp"
#include "server/api/request_routes.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/http/http_policy.hpp"
#include "server/http/route.hpp"
#include "server/live/console_connection.hpp"
#include "server/live/customer_connection.hpp"
#include "server/live/viewer_connection.hpp"
#include "server/live/ws_upgrade.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"
#include "web/web_assets.hpp"

namespace visit::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;

namespace {

using request = http::request<http::string_body>;
using response = http::response<http::string_body>;

bool is_json_content(std::string_view ct) {
  constexpr std::string_view want = "application/json";
  if (ct.size() < want.size()) return false;
  for (std::size_t i = 0; i < want.size(); ++i) {
    char c = ct[i];
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    if (c != want[i]) return false;
  }
  return ct.size() == want.size() || ct[want.size()] == ';' || ct[want.size()] == ' ';
}

std::string error_json(std::string_view message) {
  json::object o;
  o["error"] = message;
  return json::serialize(o);
}

class http_session : public std::enable_shared_from_this<http_session> {
 public:
  http_session(tcp::socket&& socket, ssl::context& tls, std::shared_ptr<shared_state> state,
               connection_limiter::slot slot, std::string peer)
      : stream_(std::move(socket), tls),
        state_(std::move(state)),
        peer_(std::move(peer)),
        ip_(slot.address()),
        slot_(std::move(slot)) {}

  void run() {
    net::dispatch(stream_.get_executor(), [self = shared_from_this()] {
      beast::get_lowest_layer(self->stream_).expires_after(shared_state::http_timeout);
      self->stream_.async_handshake(
          ssl::stream_base::server,
          beast::bind_front_handler(&http_session::on_handshake, self->shared_from_this()));
    });
  }

 private:
  void on_handshake(beast::error_code ec) {
    if (ec) {
      log_line("tls_handshake_failed address=" + peer_ + " error=" + log_quote(ec.message()));
      return;
    }
    do_read();
  }

  void do_read() {
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_state::http_header_limit));
    parser_->body_limit(shared_state::http_body_limit);
    beast::get_lowest_layer(stream_).expires_after(shared_state::http_timeout);
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&http_session::on_read, shared_from_this()));
  }

  void on_read(beast::error_code ec, std::size_t) {
    if (ec == http::error::end_of_stream) return do_close();
    if (ec == http::error::header_limit || ec == http::error::body_limit) {
      bool header = ec == http::error::header_limit;
      log_line("refused address=" + peer_ +
               " reason=too_large what=" + (header ? "http_header" : "http_body"));
      response res{
          header ? http::status::request_header_fields_too_large : http::status::payload_too_large,
          11};
      finish_response(res, error_json("request too large"), false, true);
      return send(std::move(res));
    }
    if (ec) return;  // timeout, reset, garbage: drop the connection (socket closes with us)
    handle(parser_->release());
  }

  // --- routing ----------------------------------------------------------------------------
  void handle(request&& req) {
    std::string_view method = req.method_string();
    route_match r = route_request(method, req.target(),
                                  [](std::string_view p) { return web::find_asset(p) != nullptr; });
    if (req[http::field::host].empty() && r.kind != route_kind::bad_request) {
      return send(error(req, http::status::bad_request, "missing Host header"));
    }
    // The JSON API finds the login session once; each handler answers 401 without one.
    std::optional<login_sessions::session> session;
    if (is_account_route(r.kind) || r.kind == route_kind::logout ||
        r.kind == route_kind::front_door) {
      session = session_of(req);
    }
    if (r.changes_state && session && !csrf_ok(req, r, *session)) {
      return send(error(req, http::status::forbidden, "missing or wrong X-CSRF-Token"));
    }
    switch (r.kind) {
      case route_kind::static_file:
        return serve_static(req, r.asset);
      case route_kind::login:
      case route_kind::me:
      case route_kind::me_password:
      case route_kind::me_totp_setup:
      case route_kind::me_totp_enable:
      case route_kind::me_totp_disable:
      case route_kind::admin_users:
      case route_kind::admin_user:
        return account_api(std::move(req), r, std::move(session));
      case route_kind::logout:
        return logout(req, session);
      case route_kind::front_door:
        return front_door(req, r, session);
      case route_kind::ws_customer:
      case route_kind::ws_view:
      case route_kind::ws_console:
        return upgrade(std::move(req), r);
      case route_kind::method_not_allowed: {
        auto res = error(req, http::status::method_not_allowed, "method not allowed");
        res.set(http::field::allow, r.allow);
        return send(std::move(res));
      }
      case route_kind::bad_request:
        return send(error(req, http::status::bad_request, "bad request"));
      case route_kind::not_found:
        break;
    }
    send(error(req, http::status::not_found, "not found"));
  }

  // --- responses --------------------------------------------------------------------------
  static void finish_response(response& res, std::string body, bool api, bool close) {
    res.set(http::field::server, "visit-server");
    for (const auto& [name, value] : security_headers()) res.set(name, value);
    res.set(http::field::cache_control, api ? "no-store" : "no-cache");
    if (!body.empty() && res[http::field::content_type].empty()) {
      res.set(http::field::content_type, "application/json");
    }
    res.body() = std::move(body);
    if (close) res.keep_alive(false);
    res.prepare_payload();
  }

  response json_reply(const request& req, http::status status, std::string body) {
    response res{status, req.version()};
    res.keep_alive(req.keep_alive());
    finish_response(res, std::move(body), true, false);
    return res;
  }

  response error(const request& req, http::status status, std::string_view message) {
    return json_reply(req, status, error_json(message));
  }

  void send(response&& res) {
    bool close = !res.keep_alive();
    auto sp = std::make_shared<response>(std::move(res));
    res_ = sp;
    beast::get_lowest_layer(stream_).expires_after(shared_state::http_timeout);
    http::async_write(
        stream_, *sp,
        beast::bind_front_handler(&http_session::on_write, shared_from_this(), close));
  }

  void on_write(bool close, beast::error_code ec, std::size_t) {
    res_.reset();
    if (ec) return;
    if (close) return do_close();
    do_read();
  }

  void do_close() {
    beast::get_lowest_layer(stream_).expires_after(std::chrono::seconds(5));
    stream_.async_shutdown([self = shared_from_this()](beast::error_code) {});
  }

  // --- console files ----------------------------------------------------------------------
  void serve_static(const request& req, const std::string& path) {
    const web::asset* a = web::find_asset(path);
    response res{http::status::ok, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::content_type, a->content_type);
    finish_response(res, std::string(reinterpret_cast<const char*>(a->data.data()), a->data.size()),
                    false, false);
    send(std::move(res));
  }

  // --- the JSON API (docs/protocol.md §8) ------------------------------------------------
  std::optional<login_sessions::session> session_of(const request& req) {
    auto cookie = find_cookie(req[http::field::cookie], session_cookie_name);
    if (!cookie) return std::nullopt;
    return state_->sessions().find(*cookie);
  }

  bool origin_ok_if_present(const request& req) {
    auto it = req.find(http::field::origin);
    return it == req.end() || is_own_origin(it->value(), req[http::field::host]);
  }

  // The one CSRF gate (docs/security.md, T4): a state change of a logged-in session needs
  // X-CSRF-Token equal to the session's (constant time) and no foreign Origin. Checked before
  // any handler runs, so a refused request changes nothing; logs where it was refused.
  bool csrf_ok(const request& req, const route_match& r, const login_sessions::session& s) {
    if (equal_constant_time(req["X-CSRF-Token"], s.csrf) && origin_ok_if_present(req)) {
      return true;
    }
    std::string where = r.kind == route_kind::logout ? std::string("path=/api/logout")
                        : r.kind == route_kind::front_door
                            ? "action=" + r.action
                            : "route=" + std::string(to_string(r.kind));
    log_line("refused address=" + peer_ + " " + where +
             " reason=bad_csrf user=" + log_quote(s.username, 64));
    return false;
  }

  // The account rows (account_routes.cpp): POSTs run on the auth thread (Argon2id), under
  // the same budget of pending work as logins; GETs inline.
  void account_api(request&& req, const route_match& r,
                   std::optional<login_sessions::session> session) {
    auto call = std::make_shared<api_call>();
    call->method = std::string(req.method_string());
    call->kind = r.kind;
    call->target_user = r.username;
    call->body = std::move(req.body());
    call->json_content = is_json_content(req[http::field::content_type]);
    call->origin_ok = origin_ok_if_present(req);
    call->session = std::move(session);
    call->peer = peer_;
    call->ip = ip_;
    if (!runs_on_auth_thread(*call)) {
      return send(account_response(req, handle_account_route(*state_, *call)));
    }
    if (state_->pending_logins().fetch_add(1) >= shared_state::max_pending_logins) {
      --state_->pending_logins();
      sodium_memzero(call->body.data(), call->body.size());
      log_line("refused address=" + peer_ + " route=" + std::string(to_string(r.kind)) +
               " reason=auth_queue_full");
      auto res = error(req, http::status::service_unavailable, "busy, try again");
      res.set(http::field::retry_after, "1");
      return send(std::move(res));
    }
    auto pending = std::make_shared<request>(std::move(req));
    net::post(state_->auth_pool(), [self = shared_from_this(), pending, call]() {
      auto result = handle_account_route(*self->state_, *call);
      --self->state_->pending_logins();
      net::post(self->stream_.get_executor(), [self, pending, result = std::move(result)]() {
        self->send(self->account_response(*pending, result));
      });
    });
  }

  response account_response(const request& req, const api_reply& a) {
    response res{static_cast<http::status>(a.status), req.version()};
    res.keep_alive(req.keep_alive());
    for (const auto& [name, value] : a.headers) res.set(name, value);
    finish_response(res, a.body, true, false);
    return res;
  }

  void logout(const request& req, const std::optional<login_sessions::session>& s) {
    if (!s) {
      log_line("refused address=" + peer_ + " path=/api/logout reason=bad_cookie");
      return send(error(req, http::status::unauthorized, "not logged in"));
    }
    state_->sessions().remove(s->key);
    std::size_t closed =
        state_->close_viewers_of(s->key, protocol::close_code::unauthorized, "logged out");
    log_line("logout address=" + peer_ + " user=" + log_quote(s->username, 64) +
             " websockets_closed=" + std::to_string(closed));
    response res{http::status::no_content, req.version()};
    res.keep_alive(req.keep_alive());
    res.set(http::field::set_cookie, cleared_session_cookie());
    finish_response(res, {}, true, false);
    send(std::move(res));
  }

  // §8.1 queue and wizard rows, §8.2: login cookie always; every POST (its CSRF token checked
  // by the gate) also needs a JSON body.
  void front_door(const request& req, const route_match& r,
                  const std::optional<login_sessions::session>& s) {
    if (!s) return send(error(req, http::status::unauthorized, "not logged in"));
    if (r.changes_state) {
      if (!req.body().empty() && !is_json_content(req[http::field::content_type])) {
        return send(error(req, http::status::unsupported_media_type, "expected application/json"));
      }
    }
    front_door_call call{&r, req.body(), *s, ip_};
    front_door_reply out = handle_front_door(*state_, call);
    if (out.status == 204) {
      response res{http::status::no_content, req.version()};
      res.keep_alive(req.keep_alive());
      finish_response(res, {}, true, false);
      return send(std::move(res));
    }
    send(json_reply(req, static_cast<http::status>(out.status), std::move(out.body)));
  }

  // --- WebSocket upgrades -----------------------------------------------------------------
  void upgrade(request&& req, const route_match& r) {
    std::string path(req.target().substr(0, req.target().find('?')));
    if (!beast::websocket::is_upgrade(req)) {
      auto res = error(req, http::status::upgrade_required, "WebSocket upgrade required");
      res.set(http::field::upgrade, "websocket");
      return send(std::move(res));
    }
    auto origin = req.find(http::field::origin);
    bool has_origin = origin != req.end();
    std::string_view origin_value =
        has_origin ? std::string_view(origin->value()) : std::string_view();
    bool own = has_origin && is_own_origin(origin_value, req[http::field::host]);
    if (r.kind == route_kind::ws_customer) {
      // Customers are programs and send no Origin; a browser page of another site must not
      // be able to open a customer connection, so a foreign Origin is refused too.
      if (has_origin && !own) {
        log_line("refused address=" + peer_ + " path=" + path +
                 " reason=bad_origin origin=" + log_quote(origin_value));
        return send(error(req, http::status::forbidden, "forbidden origin"));
      }
      if (state_->shutting_down()) {
        return send(error(req, http::status::service_unavailable, "shutting down"));
      }
      return std::make_shared<customer_connection>(ws_upgrade{std::move(stream_), std::move(req)},
                                                   state_, std::move(slot_), peer_)
          ->start();
    }
    if (!own) {
      log_line("refused address=" + peer_ + " path=" + path + " reason=bad_origin origin=" +
               (has_origin ? log_quote(origin_value) : std::string("(none)")));
      return send(error(req, http::status::forbidden, "forbidden origin"));
    }
    auto s = session_of(req);
    if (!s) {
      log_line("refused address=" + peer_ + " path=" + path + " reason=bad_cookie");
      return send(error(req, http::status::unauthorized, "not logged in"));
    }
    if (r.kind == route_kind::ws_view) {
      // Only technicians *given* the request may watch it (§8.2); everyone else gets the
      // answer an unknown id gets.
      auto rec = state_->db().find_request(r.request_id);
      if (!rec || !is_given(state_->db(), *rec, s->username, s->role)) {
        log_line("refused address=" + peer_ + " path=" + path +
                 " reason=not_given user=" + log_quote(s->username, 64));
        return send(error(req, http::status::not_found, "not found"));
      }
    }
    login_identity login{s->key, s->username, std::string(to_string(s->role))};
    ws_upgrade up{std::move(stream_), std::move(req)};
    if (r.kind == route_kind::ws_console) {
      std::make_shared<console_connection>(std::move(up), state_, std::move(slot_), peer_,
                                           std::move(login))
          ->start();
    } else {
      std::make_shared<viewer_connection>(std::move(up), state_, std::move(slot_), peer_,
                                          r.request_id, std::move(login))
          ->start();
    }
  }

  beast::ssl_stream<beast::tcp_stream> stream_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::shared_ptr<shared_state> state_;
  std::string peer_;  // "ip:port" for logs
  std::string ip_;    // for throttling
  std::shared_ptr<response> res_;
  connection_limiter::slot slot_;  // moves to the WebSocket connection on upgrade
};

}  // namespace

void start_http_session(tcp::socket socket, ssl::context& tls, std::shared_ptr<shared_state> state,
                        connection_limiter::slot slot) {
  boost::system::error_code ec;
  auto remote = socket.remote_endpoint(ec);
  std::string peer = ec ? std::string("?")
                        : (remote.address().is_v6() ? "[" + remote.address().to_string() + "]"
                                                    : remote.address().to_string()) +
                              ":" + std::to_string(remote.port());
  std::make_shared<http_session>(std::move(socket), tls, std::move(state), std::move(slot),
                                 std::move(peer))
      ->run();
}

}  // namespace visit::server
