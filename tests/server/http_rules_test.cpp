// Route table (deny by default, path normalisation), cookies, Origin, security headers, the
// JSON payloads and the command line.
#include <gtest/gtest.h>

#include <set>

#include "server/cli/command_line.hpp"
#include "server/http/http_policy.hpp"
#include "server/http/route.hpp"
#include "server/live/json_messages.hpp"

namespace visit::server {
namespace {

bool console_file(std::string_view p) {
  static const std::set<std::string_view> files = {"/index.html", "/js/app.js", "/css/console.css"};
  return files.count(p) > 0;
}

route_kind kind(std::string_view method, std::string_view target) {
  return route_request(method, target, console_file).kind;
}

TEST(route, the_known_routes) {
  EXPECT_EQ(kind("GET", "/"), route_kind::static_file);
  EXPECT_EQ(route_request("GET", "/", console_file).asset, "/index.html");
  EXPECT_EQ(kind("GET", "/js/app.js"), route_kind::static_file);
  EXPECT_EQ(kind("GET", "/js/app.js?v=3"), route_kind::static_file);
  EXPECT_EQ(kind("POST", "/api/login"), route_kind::login);
  EXPECT_EQ(kind("POST", "/api/logout"), route_kind::logout);
  EXPECT_EQ(kind("GET", "/api/me"), route_kind::me);
  EXPECT_EQ(kind("GET", "/api/requests"), route_kind::front_door);
  EXPECT_EQ(kind("GET", "/ws/console"), route_kind::ws_console);
  EXPECT_EQ(kind("GET", "/ws/customer"), route_kind::ws_customer);
  auto v = route_request("GET", "/ws/view/0123456789abcdef0123456789abcdef", console_file);
  EXPECT_EQ(v.kind, route_kind::ws_view);
  EXPECT_EQ(v.request_id, "0123456789abcdef0123456789abcdef");
}

TEST(route, the_account_routes) {
  EXPECT_EQ(kind("POST", "/api/me/password"), route_kind::me_password);
  EXPECT_EQ(kind("POST", "/api/me/totp/setup"), route_kind::me_totp_setup);
  EXPECT_EQ(kind("POST", "/api/me/totp/enable"), route_kind::me_totp_enable);
  EXPECT_EQ(kind("POST", "/api/me/totp/disable"), route_kind::me_totp_disable);
  EXPECT_EQ(kind("GET", "/api/admin/users"), route_kind::admin_users);
  EXPECT_EQ(kind("POST", "/api/admin/users"), route_kind::admin_users);
  auto u = route_request("POST", "/api/admin/users/bob.smith", console_file);
  EXPECT_EQ(u.kind, route_kind::admin_user);
  EXPECT_EQ(u.username, "bob.smith");
  EXPECT_EQ(kind("GET", "/api/me/password"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("GET", "/api/me/totp/setup"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("GET", "/api/admin/users/bob"), route_kind::method_not_allowed);
  auto del = route_request("DELETE", "/api/admin/users", console_file);
  EXPECT_EQ(del.kind, route_kind::method_not_allowed);
  EXPECT_EQ(del.allow, "GET, POST");
  const std::string too_long = "/api/admin/users/" + std::string(65, 'a');
  for (std::string_view t :
       {std::string_view("/api/me/totp"), std::string_view("/api/me/totp/"),
        std::string_view("/api/me/totp/verify"), std::string_view("/api/admin/users/"),
        std::string_view("/api/admin/users/-bob"), std::string_view("/api/admin/users/bob/role"),
        std::string_view(too_long), std::string_view("/api/admin/user")}) {
    EXPECT_EQ(kind("POST", t), route_kind::not_found) << t;
  }
}

TEST(route, wrong_methods_are_refused) {
  EXPECT_EQ(kind("GET", "/api/login"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("POST", "/api/me"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("DELETE", "/api/requests"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("POST", "/index.html"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("TRACE", "/"), route_kind::method_not_allowed);
  EXPECT_EQ(route_request("GET", "/api/logout", console_file).allow, "POST");
  const std::string id = "0123456789abcdef0123456789abcdef";
  EXPECT_EQ(kind("GET", "/api/requests/" + id + "/take"), route_kind::method_not_allowed);
  EXPECT_EQ(kind("DELETE", "/api/codes"), route_kind::method_not_allowed);
  EXPECT_EQ(route_request("PUT", "/api/codes", console_file).allow, "GET, POST");
  EXPECT_EQ(kind("GET", "/api/admin/queues/general"), route_kind::method_not_allowed);
}

TEST(route, front_door_actions) {
  const std::string id = "0123456789abcdef0123456789abcdef";
  auto action = [](std::string_view method, const std::string& target) {
    auto m = route_request(method, target, console_file);
    return m.kind == route_kind::front_door ? m.action : std::string("-");
  };
  EXPECT_EQ(action("GET", "/api/requests"), "list");
  EXPECT_EQ(action("GET", "/api/requests/" + id), "get");
  for (std::string verb :
       std::vector<std::string>{"take", "transfer", "invite", "notes", "resolve", "reopen"}) {
    EXPECT_EQ(action("POST", "/api/requests/" + id + "/" + verb), verb);
  }
  EXPECT_EQ(route_request("POST", "/api/requests/" + id + "/take", console_file).request_id, id);
  EXPECT_EQ(action("GET", "/api/codes"), "codes_list");
  EXPECT_EQ(action("POST", "/api/codes"), "codes_create");
  EXPECT_EQ(action("GET", "/api/admin/queues"), "queues_list");
  EXPECT_EQ(action("POST", "/api/admin/queues"), "queues_create");
  EXPECT_EQ(action("POST", "/api/admin/queues/team-2"), "queue_update");
  EXPECT_EQ(route_request("POST", "/api/admin/queues/team-2", console_file).name, "team-2");
  EXPECT_EQ(action("GET", "/api/admin/wizard"), "wizard_get");
  EXPECT_EQ(action("POST", "/api/admin/wizard"), "wizard_set");
  for (std::string t : std::vector<std::string>{
           "/api/requests/" + id + "/take/x", "/api/requests/" + id + "/delete",
           "/api/requests/" + id.substr(1), "/api/requests/" + id + "/", "/api/admin/queues/Upper",
           "/api/admin/queues/a_b", "/api/codes/1", "/api/admin/wizard/1", "/ws/console/x"}) {
    EXPECT_EQ(kind("POST", t), route_kind::not_found) << t;
    EXPECT_EQ(kind("GET", t), route_kind::not_found) << t;
  }
}

TEST(route, deny_by_default) {
  for (std::string_view t : {"/api/setup",
                             "/api/users",
                             "/api/admin",
                             "/api",
                             "/api/",
                             "/api/me/",
                             "/api/requests/1",
                             "/ws",
                             "/ws/",
                             "/ws/viewer",
                             "/ws/view/",
                             "/ws/view/0123",
                             "/ws/view/0123456789ABCDEF0123456789ABCDEF",
                             "/ws/view/0123456789abcdef0123456789abcdef/x",
                             "/setup",
                             "/admin",
                             "/index.htm",
                             "/js/",
                             "/js",
                             "/CMakeLists.txt",
                             "/visit.db"}) {
    EXPECT_EQ(kind("GET", t), route_kind::not_found) << t;
  }
}

TEST(route, path_mutations_never_reach_a_file) {
  for (std::string_view t : std::initializer_list<std::string_view>{
           "//index.html", "/./index.html", "/js/../index.html", "/js//app.js", "/js/./app.js",
           "/index.html;p", "/api/me;p", "/.git/config", "/js/.app.js", "/index.html/",
           "/\\index.html", std::string_view("/index.html\0", 12), "/index .html", "/js/app.js:x",
           "/@/index.html"}) {
    auto k = kind("GET", t);
    EXPECT_TRUE(k == route_kind::not_found || k == route_kind::bad_request) << t;
  }
  for (std::string_view t :
       {"/%2e%2e/etc/passwd", "/%2E%2E/", "/js/%2e%2e/index.html", "/index%2ehtml", "/api/me%3Bp",
        "http://evil/index.html", "*", "index.html", "", "/#x"}) {
    EXPECT_EQ(kind("GET", t), route_kind::bad_request) << t;
  }
}

TEST(http_policy, cookie_attributes_and_parsing) {
  auto c = session_cookie("abc");
  EXPECT_EQ(c, "__Host-visit_session=abc; Secure; HttpOnly; SameSite=Strict; Path=/");
  EXPECT_NE(cleared_session_cookie().find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(find_cookie("a=1; __Host-visit_session=tok; b=2", session_cookie_name), "tok");
  EXPECT_EQ(find_cookie("__Host-visit_session=tok", session_cookie_name), "tok");
  EXPECT_FALSE(find_cookie("visit_session=tok", session_cookie_name));
  EXPECT_FALSE(find_cookie("x__Host-visit_session=tok", session_cookie_name));
  EXPECT_FALSE(find_cookie("__Host-visit_session=a; __Host-visit_session=b", session_cookie_name))
      << "two cookies of that name: trust neither";
  EXPECT_FALSE(find_cookie("", session_cookie_name));
}

TEST(http_policy, origin_must_be_the_servers_own) {
  EXPECT_TRUE(is_own_origin("https://127.0.0.1:8443", "127.0.0.1:8443"));
  EXPECT_TRUE(is_own_origin("https://Support.Example.org", "support.example.org"));
  EXPECT_FALSE(is_own_origin("http://127.0.0.1:8443", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("https://evil.example", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("https://127.0.0.1:8443.evil.example", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("https://127.0.0.1:8444", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("null", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("", "127.0.0.1:8443"));
  EXPECT_FALSE(is_own_origin("https://", ""));
}

TEST(http_policy, security_headers_are_complete) {
  std::set<std::string_view> names;
  for (auto& [n, v] : security_headers()) names.insert(n);
  for (auto want : {"Strict-Transport-Security", "Content-Security-Policy",
                    "X-Content-Type-Options", "Referrer-Policy"}) {
    EXPECT_TRUE(names.count(want)) << want;
  }
  EXPECT_EQ(content_security_policy,
            "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
            "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
            "form-action 'self'");
  EXPECT_EQ(std::string_view(content_security_policy).find("unsafe"), std::string_view::npos);
}

std::span<const std::uint8_t> bytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}

TEST(json_messages, customer_hello_is_validated) {
  auto ok = parse_customer_hello(bytes(
      R"({"protocol":1,"role":"customer","name":"Ada","description":"printer broken","client":"visit-client/0.1.0"})"));
  ASSERT_TRUE(ok);
  EXPECT_FALSE(ok->wrong_version);
  EXPECT_EQ(ok->hello.name, "Ada");
  EXPECT_EQ(ok->hello.description, "printer broken");
  EXPECT_TRUE(
      parse_customer_hello(bytes(R"({"protocol":2,"role":"customer","name":"A"})"))->wrong_version);
  EXPECT_TRUE(parse_customer_hello(bytes(R"({"role":"customer","name":"A"})"))->wrong_version);
  EXPECT_FALSE(parse_customer_hello(bytes(R"({"protocol":1,"role":"viewer","name":"A"})")));
  EXPECT_FALSE(parse_customer_hello(bytes(R"({"protocol":1,"role":"customer","name":""})")));
  EXPECT_FALSE(parse_customer_hello(bytes(R"({"protocol":1,"role":"customer","name":5})")));
  std::string long_name =
      R"({"protocol":1,"role":"customer","name":")" + std::string(129, 'a') + "\"}";
  EXPECT_FALSE(parse_customer_hello(bytes(long_name)));
  std::string max_name = R"({"protocol":1,"role":"customer","name":")" + std::string(128, 'a') +
                         R"(","description":")" + std::string(2048, 'd') + "\"}";
  EXPECT_TRUE(parse_customer_hello(bytes(max_name)));
  std::string long_desc = R"({"protocol":1,"role":"customer","name":"a","description":")" +
                          std::string(2049, 'd') + "\"}";
  EXPECT_FALSE(parse_customer_hello(bytes(long_desc)));
  EXPECT_FALSE(parse_customer_hello(bytes("[1]")));
  EXPECT_FALSE(parse_customer_hello(bytes("{")));
  // The front-door hello: no name; an optional code and resume.
  auto plain = parse_customer_hello(bytes(R"({"protocol":1,"role":"customer"})"));
  ASSERT_TRUE(plain);
  EXPECT_FALSE(plain->hello.code);
  auto coded = parse_customer_hello(bytes(
      R"({"protocol":1,"role":"customer","code":"482-913 205","resume":{"request_id":"0123456789abcdef0123456789abcdef","token":"fedcba9876543210fedcba9876543210"}})"));
  ASSERT_TRUE(coded);
  EXPECT_EQ(coded->hello.code, "482-913 205");
  EXPECT_EQ(coded->hello.resume_id, "0123456789abcdef0123456789abcdef");
  EXPECT_EQ(coded->hello.resume_token, "fedcba9876543210fedcba9876543210");
  EXPECT_FALSE(parse_customer_hello(bytes(R"({"protocol":1,"role":"customer","code":5})")));
  EXPECT_FALSE(parse_customer_hello(bytes(R"({"protocol":1,"role":"customer","resume":"x"})")));
  EXPECT_FALSE(parse_customer_hello(
      bytes(R"({"protocol":1,"role":"customer","resume":{"request_id":"ab","token":"cd"}})")));
}

TEST(json_messages, written_json_escapes_hostile_strings) {
  auto s = server_hello_for_viewer("id", "</script><img src=x onerror=alert(1)>\"", "\n\x01");
  EXPECT_NE(s.find("\\\""), std::string::npos);
  EXPECT_NE(s.find("\\n"), std::string::npos);
  EXPECT_NE(s.find("\\u0001"), std::string::npos);
  EXPECT_EQ(server_hello_for_customer("abc"),
            R"({"protocol":1,"request_id":"abc","credit":4,"access_control":true})");
  EXPECT_EQ(viewers_json({}), R"({"count":0,"technicians":[]})");
  EXPECT_EQ(viewers_json({2, {{"alice", "Alice"}, {"bob", "Bob \"B\""}}}),
            R"({"count":2,"technicians":[{"id":"alice","name":"Alice"},)"
            R"({"id":"bob","name":"Bob \"B\""}]})");
  EXPECT_EQ(close_reason_json(protocol::close_code::customer_left, "bye"),
            R"({"code":"customer_left","message":"bye"})");
  auto size = parse_screen_info(bytes(screen_info_json({1920, 1080})));
  ASSERT_TRUE(size);
  EXPECT_EQ(size->width, 1920);
  EXPECT_FALSE(parse_screen_info(bytes(R"({"width":10,"height":10,"cell":32})")));
  EXPECT_FALSE(parse_screen_info(bytes(R"({"width":10.5,"height":10,"cell":64})")));
}

TEST(json_messages, screen_info_monitors_round_trip_and_limits) {
  // Without monitors the canonical form has none (one monitor: the whole screen).
  EXPECT_EQ(screen_info_json({2048, 768}), R"({"width":2048,"height":768,"cell":64})");
  const std::string two = R"({"width":2048,"height":768,"cell":64,"monitors":[)"
                          R"({"x":0,"y":0,"width":1024,"height":768,"primary":true},)"
                          R"({"x":1024,"y":0,"width":1024,"height":768,"primary":false}]})";
  auto s = parse_screen_info(bytes(two));
  ASSERT_TRUE(s);
  ASSERT_EQ(s->monitors.size(), 2u);
  EXPECT_EQ(s->monitors[1], (screen_monitor{1024, 0, 1024, 768, false}));
  EXPECT_TRUE(s->monitors[0].primary);
  EXPECT_EQ(screen_info_json(*s), two);  // forwarded to viewers as it came
  // "primary" is optional.
  auto p = parse_screen_info(bytes(
      R"({"width":100,"height":50,"cell":64,"monitors":[{"x":0,"y":0,"width":100,"height":50}]})"));
  ASSERT_TRUE(p);
  EXPECT_FALSE(p->monitors[0].primary);
  // A monitor must lie inside the screen, with positive size and integer fields.
  for (
      const char* bad : {
          R"({"width":100,"height":50,"cell":64,"monitors":[{"x":1,"y":0,"width":100,"height":50}]})",
          R"({"width":100,"height":50,"cell":64,"monitors":[{"x":0,"y":0,"width":0,"height":50}]})",
          R"({"width":100,"height":50,"cell":64,"monitors":[{"x":-1,"y":0,"width":10,"height":50}]})",
          R"({"width":100,"height":50,"cell":64,"monitors":[{"x":0,"y":0,"width":10}]})",
          R"({"width":100,"height":50,"cell":64,"monitors":[{"x":0,"y":0,"width":10,"height":5,"primary":1}]})",
          R"({"width":100,"height":50,"cell":64,"monitors":{}})",
          R"({"width":100,"height":50,"cell":64,"monitors":[7]})",
      }) {
    EXPECT_FALSE(parse_screen_info(bytes(bad))) << bad;
  }
  // At most protocol::max_monitors.
  std::string many = R"({"width":100,"height":50,"cell":64,"monitors":[)";
  for (std::size_t i = 0; i <= protocol::max_monitors; ++i) {
    if (i) many += ",";
    many += R"({"x":0,"y":0,"width":10,"height":10})";
  }
  many += "]}";
  EXPECT_FALSE(parse_screen_info(bytes(many)));
  // Eight fit in screen_info's 1 KiB.
  screen_size eight{8192, 8192, {}};
  for (std::size_t i = 0; i < protocol::max_monitors; ++i)
    eight.monitors.push_back({4096, 4096, 4096, 4096, i == 0});
  EXPECT_LE(screen_info_json(eight).size(), 1024u);
}

TEST(command_line, serve_requires_keys_or_self_signed) {
  EXPECT_THROW(parse_command_line({"--listen", "127.0.0.1:0", "--data-dir", "/tmp/x"}),
               usage_error);
  try {
    parse_command_line({"--listen", "127.0.0.1:0", "--data-dir", "/tmp/x"});
  } catch (const usage_error& e) {
    std::string m = e.what();
    EXPECT_NE(m.find("--tls-cert"), std::string::npos);
    EXPECT_NE(m.find("--tls-key"), std::string::npos);
    EXPECT_NE(m.find("--self-signed"), std::string::npos);
  }
  EXPECT_THROW(parse_command_line({"--data-dir", "d", "--self-signed", "--tls-cert", "c"}),
               usage_error);
  EXPECT_THROW(parse_command_line({"--listen", "nope", "--data-dir", "d", "--self-signed"}),
               usage_error);
  auto c = parse_command_line(
      {"--listen", "[::1]:8443", "--data-dir", "d", "--tls-cert", "c", "--tls-key", "k"});
  auto& o = std::get<serve_options>(c);
  EXPECT_EQ(o.listen_host, "::1");
  EXPECT_EQ(o.listen_port, 8443);
  EXPECT_EQ(o.tls_key, "k");
}

TEST(command_line, user_add) {
  auto c = parse_command_line({"user", "add", "alice", "--role", "admin", "--data-dir", "d"});
  auto& u = std::get<user_add_options>(c);
  EXPECT_EQ(u.username, "alice");
  EXPECT_EQ(u.role, "admin");
  EXPECT_THROW(parse_command_line({"user", "add", "alice", "--role", "root", "--data-dir", "d"}),
               usage_error);
  EXPECT_THROW(parse_command_line({"user", "add", "-x", "--role", "admin", "--data-dir", "d"}),
               usage_error);
  EXPECT_THROW(parse_command_line({"user", "add", "a b", "--role", "admin", "--data-dir", "d"}),
               usage_error);
  EXPECT_THROW(parse_command_line({"user", "add", "alice", "--role", "admin"}), usage_error);
}

TEST(command_line, audit) {
  auto v = std::get<audit_options>(parse_command_line({"audit", "verify", "--data-dir", "d"}));
  EXPECT_EQ(v.what, audit_options::action::verify);
  EXPECT_EQ(v.data_dir, "d");
  const std::string id = "0123456789abcdef0123456789abcdef";
  auto l = std::get<audit_options>(
      parse_command_line({"audit", "list", "--data", "e", "--request", id}));
  EXPECT_EQ(l.what, audit_options::action::list);
  EXPECT_EQ(l.data_dir, "e");
  EXPECT_EQ(l.request_id, id);
  EXPECT_THROW(parse_command_line({"audit", "verify"}), usage_error);
  EXPECT_THROW(parse_command_line({"audit", "fix", "--data-dir", "d"}), usage_error);
  EXPECT_THROW(parse_command_line({"audit", "verify", "--data-dir", "d", "--request", id}),
               usage_error);
  EXPECT_THROW(parse_command_line({"audit", "list", "--data-dir", "d", "--request", "x' OR 1"}),
               usage_error);
}

}  // namespace
}  // namespace visit::server
