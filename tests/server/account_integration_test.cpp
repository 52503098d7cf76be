// Accounts end to end over real TLS (docs/protocol.md §8.1): the real visit-server binary on
// 127.0.0.1 with a temp data dir; accounts made with the real `visit-server user` CLI.
// Covers TOTP enrolment and login with the second factor (replays refused), password
// change, admin user management (roles, disabling, last-admin rule, sessions ended), the CLI
// actions, configured idle and absolute timeouts (T8) and login brute force over the wire (T6).
#include <gtest/gtest.h>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/use_future.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <boost/json.hpp>
#include <future>
#include <map>
#include <thread>

#include "server/auth/totp.hpp"
#include "server_process.hpp"

namespace visit::server {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
namespace json = boost::json;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using testing::server_process;

template <class T>
T wait(std::future<T> f, std::chrono::milliseconds timeout = 10s) {
  if (f.wait_for(timeout) != std::future_status::ready) throw std::runtime_error("timeout");
  return f.get();
}

struct http_result {
  unsigned status = 0;
  std::map<std::string, std::string> headers;  // lower-case names
  std::string body;
  json::value json() const { return json::parse(body); }
  std::string error() const {
    auto v = json::parse(body);
    return v.is_object() && v.as_object().contains("error") ? std::string(v.at("error").as_string())
                                                            : std::string();
  }
};

// HTTPS requests to the server, one connection each, on a background io_context (every
// operation has a timeout). Certificates are not checked: the server is ours, on loopback.
class api_client {
 public:
  explicit api_client(const server_process& s)
      : server_(s),
        tls_(ssl::context::tls_client),
        work_(net::make_work_guard(ioc_)),
        thread_([this] { ioc_.run(); }) {
    tls_.set_verify_mode(ssl::verify_none);
  }
  ~api_client() {
    work_.reset();
    ioc_.stop();
    thread_.join();
  }

  std::string host() const { return "127.0.0.1:" + std::to_string(server_.port()); }
  std::string origin() const { return "https://" + host(); }

  http_result request(http::verb method, const std::string& target, const std::string& body = {},
                      const std::map<std::string, std::string>& headers = {}) {
    beast::ssl_stream<beast::tcp_stream> stream(ioc_, tls_);
    auto on = [&] { return net::bind_executor(stream.get_executor(), net::use_future); };
    tcp::endpoint ep(net::ip::make_address("127.0.0.1"), server_.port());
    wait(beast::get_lowest_layer(stream).socket().async_connect(ep, on()));
    wait(stream.async_handshake(ssl::stream_base::client, on()));
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, host());
    for (auto& [k, v] : headers) req.set(k, v);
    if (!body.empty()) {
      req.body() = body;
      req.set(http::field::content_type, "application/json");
    }
    req.prepare_payload();
    wait(http::async_write(stream, req, on()));
    beast::flat_buffer buf;
    http::response<http::string_body> res;
    wait(http::async_read(stream, buf, res, on()));
    http_result out;
    out.status = res.result_int();
    for (auto& f : res) {
      std::string name(f.name_string());
      for (auto& c : name) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
      out.headers[name] = std::string(f.value());
    }
    out.body = res.body();
    beast::error_code ignored;
    beast::get_lowest_layer(stream).socket().close(ignored);
    return out;
  }

  http_result login(const std::string& user, const std::string& password,
                    std::optional<std::string> totp = std::nullopt) {
    json::object o{{"username", user}, {"password", password}};
    if (totp) o["totp"] = *totp;
    return request(http::verb::post, "/api/login", json::serialize(o));
  }

  // A logged-in session: cookie and CSRF token.
  struct session {
    std::string cookie, csrf;
  };
  session login_ok(const std::string& user, const std::string& password,
                   std::optional<std::string> totp = std::nullopt) {
    auto r = login(user, password, totp);
    EXPECT_EQ(r.status, 200u) << user << ": " << r.body;
    if (r.status != 200) return {};
    std::string cookie = r.headers["set-cookie"];
    return {cookie.substr(0, cookie.find(';')), std::string(r.json().at("csrf").as_string())};
  }

  http_result get(const session& s, const std::string& target) {
    return request(http::verb::get, target, {}, {{"Cookie", s.cookie}});
  }
  http_result post(const session& s, const std::string& target, const json::value& body,
                   bool with_csrf = true) {
    std::map<std::string, std::string> h{{"Cookie", s.cookie}, {"Origin", origin()}};
    if (with_csrf) h["X-CSRF-Token"] = s.csrf;
    return request(http::verb::post, target, json::serialize(body), h);
  }

 private:
  const server_process& server_;
  net::io_context ioc_;
  ssl::context tls_;
  net::executor_work_guard<net::io_context::executor_type> work_;
  std::thread thread_;
};

int cli(const testing::fs::path& dir, std::vector<std::string> args, const std::string& input,
        std::string& out) {
  args.insert(args.begin(), {VISIT_SERVER_BINARY, "user"});
  args.insert(args.end(), {"--data-dir", dir.string()});
  return testing::run_command(args, input, out, dir);
}

// alice admin, bob technician, carol senior, dave technician (for TOTP).
testing::fs::path accounts_dir() {
  auto dir = testing::make_temp_dir("visit-acc");
  std::string out;
  for (auto [name, role] : {std::pair{"alice", "admin"}, std::pair{"bob", "technician"},
                            std::pair{"carol", "senior"}, std::pair{"dave", "technician"}}) {
    EXPECT_EQ(cli(dir, {"add", name, "--role", role}, std::string(name) + "-password-1\n", out), 0)
        << out;
  }
  return dir;
}

std::string pw(const std::string& name) {
  return name + "-password-1";
}

std::vector<std::uint8_t> key_of(const std::string& secret) {
  auto k = totp::base32_decode(secret);
  EXPECT_TRUE(k);
  return k ? *k : std::vector<std::uint8_t>{};
}

std::int64_t now_s() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

// --- TOTP -----------------------------------------------------------------------------------

TEST(accounts_it, totp_enrolment_and_login_with_the_second_factor) {
  server_process s({}, accounts_dir());
  api_client c(s);
  auto dave = c.login_ok("dave", pw("dave"));
  EXPECT_EQ(c.get(dave, "/api/me").json().at("totp_enabled").as_bool(), false);

  EXPECT_EQ(c.post(dave, "/api/me/totp/setup", json::object{}, false).status, 403u) << "CSRF";
  EXPECT_EQ(c.post(dave, "/api/me/totp/enable", json::object{{"code", "123456"}}).status, 409u)
      << "nothing set up yet";
  auto setup = c.post(dave, "/api/me/totp/setup", json::object{});
  ASSERT_EQ(setup.status, 200u) << setup.body;
  auto sj = setup.json();
  std::string secret(sj.at("secret").as_string());
  EXPECT_EQ(secret.size(), 32u);
  EXPECT_EQ(std::string(sj.at("uri").as_string()),
            "otpauth://totp/visit:dave?secret=" + secret +
                "&issuer=visit&algorithm=SHA1&digits=6&period=30");
  EXPECT_EQ(std::string(sj.at("qr_svg").as_string()).rfind("<svg", 0), 0u);
  // The secret is stored sealed, never in clear.
  EXPECT_EQ(testing::read_file(s.data_dir() / "visit.db").find(secret), std::string::npos);
  EXPECT_EQ(testing::read_file(s.data_dir() / "server.log").find(secret), std::string::npos);
  // Pending only: login still needs no code.
  c.login_ok("dave", pw("dave"));

  auto key = key_of(secret);
  auto code_now = totp::code_at(key, now_s());
  std::string wrong = code_now == "000000" ? "000001" : "000000";
  auto bad = c.post(dave, "/api/me/totp/enable", json::object{{"code", wrong}});
  EXPECT_EQ(bad.status, 400u);
  EXPECT_NE(bad.error().find("wrong code"), std::string::npos) << bad.body;
  ASSERT_EQ(c.post(dave, "/api/me/totp/enable", json::object{{"code", code_now}}).status, 204u);
  EXPECT_EQ(c.get(dave, "/api/me").json().at("totp_enabled").as_bool(), true);
  EXPECT_EQ(c.post(dave, "/api/me/totp/setup", json::object{}).status, 409u);

  // The password first: a wrong one gets the same answer with TOTP on as without, and as an
  // unknown user.
  auto unknown = c.login("nobody", "dave-password-x");
  auto wrong_pw = c.login("dave", "dave-password-x");
  auto wrong_pw_code = c.login("dave", "dave-password-x", code_now);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong_pw.status, 401u);
  EXPECT_EQ(wrong_pw.body, unknown.body);
  EXPECT_EQ(wrong_pw_code.body, unknown.body);
  EXPECT_EQ(unknown.error(), "invalid credentials");
  // The right password without a code: the second factor is asked for.
  auto need = c.login("dave", pw("dave"));
  EXPECT_EQ(need.status, 401u);
  EXPECT_EQ(need.json().at("totp_required").as_bool(), true);
  EXPECT_EQ(need.error(), "second factor required");
  EXPECT_TRUE(need.headers["set-cookie"].empty());
  // The code used to enable it is spent (replay); the next step's code works once.
  auto replay = c.login("dave", pw("dave"), code_now);
  EXPECT_EQ(replay.status, 401u);
  EXPECT_EQ(replay.error(), "invalid second factor");
  auto next = totp::code_at(key, now_s() + 30);
  auto ok = c.login("dave", pw("dave"), next);
  ASSERT_EQ(ok.status, 200u) << ok.body;
  EXPECT_EQ(ok.json().at("totp_enabled").as_bool(), true);
  EXPECT_EQ(c.login("dave", pw("dave"), next).status, 401u) << "the same code twice";
  EXPECT_TRUE(s.wait_for_log("login ok address=127.0.0.1:"));
  EXPECT_TRUE(s.wait_for_log("reason=second_factor"));

  // Turning it off needs the password.
  EXPECT_EQ(
      c.post(dave, "/api/me/totp/disable", json::object{{"password", "nope-nope-nope"}}).status,
      400u);
  EXPECT_EQ(c.post(dave, "/api/me/totp/disable", json::object{{"password", pw("dave")}}).status,
            204u);
  EXPECT_EQ(c.login("dave", pw("dave")).status, 200u);
}

TEST(accounts_it, wrong_second_factors_are_throttled_like_wrong_passwords) {
  server_process s({}, accounts_dir());
  api_client c(s);
  auto dave = c.login_ok("dave", pw("dave"));
  auto secret = std::string(
      c.post(dave, "/api/me/totp/setup", json::object{}).json().at("secret").as_string());
  auto key = key_of(secret);
  ASSERT_EQ(c.post(dave, "/api/me/totp/enable", json::object{{"code", totp::code_at(key, now_s())}})
                .status,
            204u);
  // Codes that are surely wrong (not in the window).
  auto far = totp::code_at(key, now_s() + 3600);
  int refused = 0;
  for (int i = 0; i < 6; ++i) {
    auto r = c.login("dave", pw("dave"), far);
    if (r.status == 429)
      ++refused;
    else
      EXPECT_EQ(r.error(), "invalid second factor");
  }
  EXPECT_GE(refused, 1) << "after 3 free failures per user, the user is throttled";
  auto r = c.login("dave", pw("dave"), totp::code_at(key, now_s() + 30));
  EXPECT_EQ(r.status, 429u) << "not even the right code is checked while throttled";
  EXPECT_FALSE(r.headers["retry-after"].empty());
}

// --- password ---------------------------------------------------------------------------

TEST(accounts_it, password_change_verifies_the_old_one_and_ends_the_other_sessions) {
  server_process s({}, accounts_dir());
  api_client c(s);
  auto mine = c.login_ok("bob", pw("bob"));
  auto other = c.login_ok("bob", pw("bob"));
  auto carol = c.login_ok("carol", pw("carol"));
  auto change = [&](const std::string& old_pw, const std::string& new_pw) {
    return c.post(mine, "/api/me/password", json::object{{"old", old_pw}, {"new", new_pw}});
  };
  EXPECT_EQ(c.post(mine, "/api/me/password",
                   json::object{{"old", pw("bob")}, {"new", "a-new-password"}}, false)
                .status,
            403u);
  auto wrong = change("not-bobs-password", "a-new-password");
  EXPECT_EQ(wrong.status, 400u);
  EXPECT_EQ(wrong.error(), "the password is wrong");
  auto shortpw = change(pw("bob"), "short-11chr");
  EXPECT_EQ(shortpw.status, 400u);
  EXPECT_NE(shortpw.error().find("12 to 256 bytes"), std::string::npos) << shortpw.body;
  EXPECT_EQ(change(pw("bob"), std::string(257, 'x')).status, 400u);
  EXPECT_EQ(c.post(mine, "/api/me/password", json::object{{"old", pw("bob")}}).status, 400u);
  ASSERT_EQ(change(pw("bob"), "exactly-12by").status, 204u);
  EXPECT_EQ(c.get(mine, "/api/me").status, 200u) << "this session stays";
  EXPECT_EQ(c.get(other, "/api/me").status, 401u) << "the other session ended";
  EXPECT_EQ(c.get(carol, "/api/me").status, 200u) << "other users untouched";
  EXPECT_EQ(c.login("bob", pw("bob")).status, 401u);
  c.login_ok("bob", "exactly-12by");
}

// --- admin ------------------------------------------------------------------------------

TEST(accounts_it, admins_manage_users_and_nobody_else_can) {
  server_process s({}, accounts_dir());
  api_client c(s);
  auto alice = c.login_ok("alice", pw("alice"));
  auto carol = c.login_ok("carol", pw("carol"));
  auto bob = c.login_ok("bob", pw("bob"));

  // Non-admins: 403 on every admin route, and nothing changes.
  for (auto* who : {&carol, &bob}) {
    EXPECT_EQ(c.get(*who, "/api/admin/users").status, 403u);
    EXPECT_EQ(
        c.post(*who, "/api/admin/users",
               json::object{
                   {"username", "mallory"}, {"role", "admin"}, {"password", "mallory-password"}})
            .status,
        403u);
    EXPECT_EQ(c.post(*who, "/api/admin/users/bob", json::object{{"role", "admin"}}).status, 403u);
  }
  EXPECT_EQ(c.request(http::verb::get, "/api/admin/users").status, 401u);
  EXPECT_EQ(c.post(alice, "/api/admin/users/bob", json::object{{"role", "admin"}}, false).status,
            403u)
      << "CSRF";

  auto list = c.get(alice, "/api/admin/users");
  ASSERT_EQ(list.status, 200u);
  auto users = list.json().at("users").as_array();
  ASSERT_EQ(users.size(), 4u);
  EXPECT_EQ(users[0].at("username").as_string(), "alice");
  EXPECT_EQ(users[0].at("role").as_string(), "admin");
  EXPECT_EQ(users[0].at("disabled").as_bool(), false);
  EXPECT_EQ(users[0].at("totp_enabled").as_bool(), false);
  EXPECT_TRUE(users[0].at("last_login_at").is_string());
  EXPECT_TRUE(users[3].at("last_login_at").is_null()) << "dave never logged in";
  EXPECT_EQ(list.body.find("argon2"), std::string::npos) << "no hashes in listings";
  EXPECT_EQ(list.body.find("password"), std::string::npos);

  // Create: validated, duplicates refused, the new user can log in.
  auto create = [&](const std::string& name, const std::string& role, const std::string& p) {
    return c.post(alice, "/api/admin/users",
                  json::object{{"username", name}, {"role", role}, {"password", p}});
  };
  EXPECT_EQ(create("erin", "root", "erin-password-1").status, 400u);
  EXPECT_EQ(create("-erin", "technician", "erin-password-1").status, 400u);
  EXPECT_EQ(create("erin", "technician", "short").status, 400u);
  EXPECT_EQ(create("bob", "technician", "bob-password-2").status, 409u);
  auto made = create("erin", "technician", "erin-password-1");
  ASSERT_EQ(made.status, 201u) << made.body;
  EXPECT_EQ(made.json().at("role").as_string(), "technician");
  auto erin = c.login_ok("erin", "erin-password-1");

  // Change: bad bodies and unknown users.
  for (const char* body : {R"({})", R"({"role":"root"})", R"({"disabled":"yes"})",
                           R"({"reset_totp":false})", R"({"admin":true})", R"([1])"}) {
    auto r =
        c.request(http::verb::post, "/api/admin/users/erin", body,
                  {{"Cookie", alice.cookie}, {"X-CSRF-Token", alice.csrf}, {"Origin", c.origin()}});
    EXPECT_EQ(r.status, 400u) << body;
  }
  EXPECT_EQ(c.post(alice, "/api/admin/users/nobody", json::object{{"disabled", true}}).status,
            404u);

  // Promotion keeps the session, with the new role.
  auto promoted = c.post(alice, "/api/admin/users/erin", json::object{{"role", "senior"}});
  ASSERT_EQ(promoted.status, 200u) << promoted.body;
  EXPECT_EQ(promoted.json().at("role").as_string(), "senior");
  EXPECT_EQ(c.get(erin, "/api/me").json().at("role").as_string(), "senior");
  // Demotion ends it.
  ASSERT_EQ(c.post(alice, "/api/admin/users/erin", json::object{{"role", "technician"}}).status,
            200u);
  EXPECT_EQ(c.get(erin, "/api/me").status, 401u);
  EXPECT_EQ(c.get(erin, "/api/requests").status, 401u);
  erin = c.login_ok("erin", "erin-password-1");
  // Disabling ends it and refuses logins with the same answer as a wrong password.
  auto disabled = c.post(alice, "/api/admin/users/erin", json::object{{"disabled", true}});
  ASSERT_EQ(disabled.status, 200u);
  EXPECT_EQ(disabled.json().at("disabled").as_bool(), true);
  EXPECT_EQ(c.get(erin, "/api/me").status, 401u);
  EXPECT_EQ(c.get(erin, "/api/requests").status, 401u);
  auto refused = c.login("erin", "erin-password-1");
  EXPECT_EQ(refused.status, 401u);
  EXPECT_EQ(refused.body, c.login("nobody", "erin-password-1").body);
  EXPECT_TRUE(
      s.wait_for_log(R"(admin user_changed by="alice" user="erin" disabled=yes sessions_ended=1)"));
  ASSERT_EQ(c.post(alice, "/api/admin/users/erin", json::object{{"disabled", false}}).status, 200u);
  // An admin-set password: the old one stops working.
  ASSERT_EQ(
      c.post(alice, "/api/admin/users/erin", json::object{{"password", "erin-password-2"}}).status,
      200u);
  EXPECT_EQ(c.login("erin", "erin-password-1").status, 401u);
  c.login_ok("erin", "erin-password-2");

  // The last enabled admin can be neither demoted nor disabled, even by herself.
  auto demote = c.post(alice, "/api/admin/users/alice", json::object{{"role", "senior"}});
  EXPECT_EQ(demote.status, 400u);
  EXPECT_NE(demote.error().find("last enabled admin"), std::string::npos) << demote.body;
  auto disable = c.post(alice, "/api/admin/users/alice", json::object{{"disabled", true}});
  EXPECT_EQ(disable.status, 400u);
  EXPECT_NE(disable.error().find("last enabled admin"), std::string::npos) << disable.body;
  EXPECT_EQ(c.get(alice, "/api/me").json().at("role").as_string(), "admin");
  // With a second admin she may step down.
  ASSERT_EQ(c.post(alice, "/api/admin/users/carol", json::object{{"role", "admin"}}).status, 200u);
  EXPECT_EQ(c.post(alice, "/api/admin/users/alice", json::object{{"role", "senior"}}).status, 200u);
  EXPECT_EQ(c.get(alice, "/api/me").status, 401u) << "her demotion ended her session";
  EXPECT_EQ(c.get(carol, "/api/admin/users").status, 200u) << "carol's promotion is live";
}

TEST(accounts_it, admin_resets_a_lost_second_factor) {
  server_process s({}, accounts_dir());
  api_client c(s);
  auto dave = c.login_ok("dave", pw("dave"));
  auto secret = std::string(
      c.post(dave, "/api/me/totp/setup", json::object{}).json().at("secret").as_string());
  ASSERT_EQ(c.post(dave, "/api/me/totp/enable",
                   json::object{{"code", totp::code_at(key_of(secret), now_s())}})
                .status,
            204u);
  EXPECT_EQ(c.login("dave", pw("dave")).status, 401u);
  auto alice = c.login_ok("alice", pw("alice"));
  auto r = c.post(alice, "/api/admin/users/dave", json::object{{"reset_totp", true}});
  ASSERT_EQ(r.status, 200u);
  EXPECT_EQ(r.json().at("totp_enabled").as_bool(), false);
  c.login_ok("dave", pw("dave"));
}

// --- CLI --------------------------------------------------------------------------------

TEST(accounts_it, user_cli_actions_with_clear_errors_and_exit_codes) {
  auto dir = accounts_dir();
  std::string out;
  EXPECT_EQ(cli(dir, {"list"}, "", out), 0) << out;
  EXPECT_NE(out.find("alice\tadmin\tno\toff\t"), std::string::npos) << out;
  EXPECT_NE(out.find("bob\ttechnician\tno\toff\t"), std::string::npos) << out;
  EXPECT_EQ(out.find("argon2"), std::string::npos);

  EXPECT_EQ(cli(dir, {"set-role", "bob", "--role", "senior"}, "", out), 0) << out;
  EXPECT_EQ(cli(dir, {"set-role", "nobody", "--role", "senior"}, "", out), 1);
  EXPECT_NE(out.find("no user 'nobody'"), std::string::npos) << out;
  EXPECT_EQ(cli(dir, {"set-role", "bob", "--role", "root"}, "", out), 2);
  EXPECT_EQ(cli(dir, {"set-role", "alice", "--role", "technician"}, "", out), 1);
  EXPECT_NE(out.find("last enabled admin"), std::string::npos) << out;
  EXPECT_EQ(cli(dir, {"disable", "alice"}, "", out), 1);
  EXPECT_NE(out.find("last enabled admin"), std::string::npos) << out;
  EXPECT_EQ(cli(dir, {"disable", "bob"}, "", out), 0) << out;
  EXPECT_EQ(cli(dir, {"list"}, "", out), 0);
  EXPECT_NE(out.find("bob\tsenior\tyes\t"), std::string::npos) << out;
  EXPECT_EQ(cli(dir, {"passwd", "bob"}, "too-short\n", out), 1);
  EXPECT_NE(out.find("12 to 256 bytes"), std::string::npos) << out;
  EXPECT_EQ(cli(dir, {"passwd", "nobody"}, "long-enough-pass\n", out), 1);
  EXPECT_EQ(cli(dir, {"passwd", "bob"}, "bob-new-password\n", out), 0) << out;
  EXPECT_EQ(cli(dir, {"reset-totp", "bob"}, "", out), 0) << out;
  EXPECT_EQ(cli(dir, {"reset-totp", "nobody"}, "", out), 1);
  EXPECT_EQ(cli(dir, {"frobnicate", "bob"}, "", out), 2);
  EXPECT_NE(out.find("usage:"), std::string::npos);
  auto empty = testing::make_temp_dir("visit-acc");
  EXPECT_EQ(cli(empty, {"list"}, "", out), 1);
  EXPECT_NE(out.find("no database"), std::string::npos) << out;
  EXPECT_FALSE(testing::fs::exists(empty / "visit.db")) << "list creates nothing";

  // The server sees what the CLI did: bob is disabled, with his new password.
  {
    server_process s({}, dir, true);
    api_client c(s);
    EXPECT_EQ(c.login("bob", "bob-new-password").status, 401u);
    EXPECT_EQ(cli(dir, {"enable", "bob"}, "", out), 0) << out;
    auto r = c.login("bob", "bob-new-password");
    ASSERT_EQ(r.status, 200u) << r.body;
    EXPECT_EQ(r.json().at("role").as_string(), "senior");
  }
  testing::fs::remove_all(dir);
  testing::fs::remove_all(empty);
}

TEST(accounts_it, a_user_disabled_with_the_cli_loses_live_sessions_at_the_next_sweep) {
  auto dir = accounts_dir();
  // --idle-timeout 4s: the sweep runs every 2 s.
  server_process s({"--idle-timeout", "4s"}, dir, true);
  api_client c(s);
  auto bob = c.login_ok("bob", pw("bob"));
  ASSERT_EQ(c.get(bob, "/api/requests").status, 200u);
  std::string out;
  ASSERT_EQ(cli(dir, {"disable", "bob"}, "", out), 0) << out;
  EXPECT_TRUE(s.wait_for_log("reason=account_changed", 0, 5s));
  EXPECT_EQ(c.get(bob, "/api/requests").status, 401u);
  s.stop();
  testing::fs::remove_all(dir);
}

// --- timeouts (T8) ----------------------------------------------------------------------

TEST(accounts_it, configured_idle_timeout_ends_unused_sessions) {
  server_process s({"--idle-timeout", "3s"}, accounts_dir());
  api_client c(s);
  auto used = c.login_ok("bob", pw("bob"));
  auto unused = c.login_ok("bob", pw("bob"));
  for (int i = 0; i < 4; ++i) {
    std::this_thread::sleep_for(1s);
    ASSERT_EQ(c.get(used, "/api/me").status, 200u) << "use keeps it alive, " << i;
  }
  // The unused one was ended by the sweep (the log says so).
  EXPECT_TRUE(s.wait_for_log("login_session expired key="));
  EXPECT_EQ(c.get(unused, "/api/me").status, 401u);
  std::this_thread::sleep_for(4s);
  EXPECT_EQ(c.get(used, "/api/me").status, 401u) << "unused for 4 s";
}

TEST(accounts_it, configured_absolute_timeout_ends_sessions_in_use) {
  server_process s({"--idle-timeout", "10s", "--absolute-timeout", "3s"}, accounts_dir());
  api_client c(s);
  auto bob = c.login_ok("bob", pw("bob"));
  auto t0 = std::chrono::steady_clock::now();
  while (std::chrono::steady_clock::now() - t0 < 2500ms) {
    ASSERT_EQ(c.get(bob, "/api/me").status, 200u);
    std::this_thread::sleep_for(500ms);
  }
  std::this_thread::sleep_for(1s);
  EXPECT_EQ(c.get(bob, "/api/me").status, 401u);
}

// --- brute force (T6) -------------------------------------------------------------------

TEST(accounts_it, t6_brute_force_is_throttled_and_the_real_user_gets_back_in) {
  server_process s({}, accounts_dir());
  api_client c(s);
  // 150 guesses as fast as the server answers, against a real and an unknown user in turn.
  int run = 0, longest_run = 0, failures = 0, throttled = 0;
  std::string unknown_body, known_body;
  for (int i = 0; i < 150; ++i) {
    std::string user = i % 2 ? "bob" : "nobody";
    auto r = c.login(user, "guess-" + std::to_string(i));
    if (r.status == 401) {
      ++failures;
      longest_run = std::max(longest_run, ++run);
      (i % 2 ? known_body : unknown_body) = r.body;
    } else {
      ASSERT_EQ(r.status, 429u) << r.body;
      EXPECT_FALSE(r.headers["retry-after"].empty());
      ++throttled;
      run = 0;
    }
  }
  EXPECT_LE(longest_run, 6) << "never more than a few consecutive failures served undelayed";
  EXPECT_LT(failures, 100);
  EXPECT_GT(throttled, 50);
  EXPECT_EQ(known_body, unknown_body) << "identical answers for unknown users";
  // The real user, waiting out Retry-After, gets back in.
  auto r = c.login("bob", pw("bob"));
  for (int i = 0; i < 40 && r.status == 429; ++i) {
    std::this_thread::sleep_for(std::chrono::seconds(std::stoi(r.headers["retry-after"])));
    r = c.login("bob", pw("bob"));
  }
  EXPECT_EQ(r.status, 200u) << r.body;
}

}  // namespace
}  // namespace visit::server
