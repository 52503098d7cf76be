// visit-server end to end over real TLS: the binary is started on 127.0.0.1 with port 0 and a
// temp data dir; a small Beast client (this file) and raw OpenSSL probes talk to it.
#include "it_support.hpp"

namespace visit::server {
namespace {

using namespace it;

class server_it : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new server_process({}, prepared_data_dir()); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static server_process* server;
};
server_process* server_it::server = nullptr;

// --- HTTP API -------------------------------------------------------------------------------

TEST_F(server_it, login_me_requests_and_logout_with_cookie_and_csrf) {
  client c(*server);
  EXPECT_EQ(c.request(http::verb::get, "/api/me").status, 401u);
  EXPECT_EQ(c.request(http::verb::get, "/api/requests").status, 401u);

  auto r = c.request(http::verb::post, "/api/login",
                     R"({"username":"alice","password":"alice-password-1"})");
  ASSERT_EQ(r.status, 200u) << r.body;
  auto body = r.json();
  EXPECT_EQ(body.at("username").as_string(), "alice");
  EXPECT_EQ(body.at("role").as_string(), "admin");
  std::string csrf(body.at("csrf").as_string());
  EXPECT_EQ(csrf.size(), 64u);
  std::string set_cookie = r.headers["set-cookie"];
  EXPECT_EQ(set_cookie.rfind("__Host-visit_session=", 0), 0u) << set_cookie;
  for (auto attr : {"; Secure", "; HttpOnly", "; SameSite=Strict", "; Path=/"}) {
    EXPECT_NE(set_cookie.find(attr), std::string::npos) << attr << " in " << set_cookie;
  }
  EXPECT_EQ(set_cookie.find("Domain"), std::string::npos);
  std::string cookie = set_cookie.substr(0, set_cookie.find(';'));

  auto me = c.request(http::verb::get, "/api/me", {}, {{"Cookie", cookie}});
  ASSERT_EQ(me.status, 200u);
  EXPECT_EQ(me.json().at("username").as_string(), "alice");
  EXPECT_EQ(me.json().at("csrf").as_string(), csrf);
  EXPECT_EQ(me.headers["cache-control"], "no-store");
  auto list = c.request(http::verb::get, "/api/requests", {}, {{"Cookie", cookie}});
  ASSERT_EQ(list.status, 200u);
  EXPECT_TRUE(list.json().at("requests").is_array());

  // Logout is a state change: the CSRF token is required.
  EXPECT_EQ(c.request(http::verb::post, "/api/logout", {}, {{"Cookie", cookie}}).status, 403u);
  EXPECT_EQ(c.request(http::verb::post, "/api/logout", {},
                      {{"Cookie", cookie}, {"X-CSRF-Token", std::string(64, '0')}})
                .status,
            403u);
  auto out =
      c.request(http::verb::post, "/api/logout", {}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}});
  EXPECT_EQ(out.status, 204u);
  EXPECT_NE(out.headers["set-cookie"].find("Max-Age=0"), std::string::npos);
  EXPECT_EQ(c.request(http::verb::get, "/api/me", {}, {{"Cookie", cookie}}).status, 401u);
  EXPECT_EQ(c.request(http::verb::get, "/api/me", {},
                      {{"Cookie", "__Host-visit_session=" + std::string(64, 'a')}})
                .status,
            401u);
}

TEST_F(server_it, unknown_user_and_wrong_password_get_identical_answers) {
  client c(*server);
  auto wrong =
      c.request(http::verb::post, "/api/login", R"({"username":"bob","password":"nope-nope"})");
  auto unknown =
      c.request(http::verb::post, "/api/login", R"({"username":"mallory","password":"nope-nope"})");
  EXPECT_EQ(wrong.status, 401u);
  EXPECT_EQ(unknown.status, 401u);
  EXPECT_EQ(wrong.body, R"({"error":"invalid credentials"})");
  EXPECT_EQ(unknown.body, wrong.body);
  EXPECT_EQ(c.request(http::verb::post, "/api/login", R"({"username":"bob"})").status, 400u);
  EXPECT_EQ(c.request(http::verb::post, "/api/login", "not json").status, 400u);
  EXPECT_EQ(c.request(http::verb::post, "/api/login", R"({"username":"bob","password":"x"})",
                      {{"Content-Type", "text/plain"}})
                .status,
            415u);
  EXPECT_EQ(c.request(http::verb::post, "/api/login",
                      R"({"username":"bob","password":"bob-password-12"})",
                      {{"Origin", "https://evil.example"}})
                .status,
            403u);
  EXPECT_NE(server->log().find("login failed address=127.0.0.1:"), std::string::npos);
  EXPECT_EQ(server->log().find("nope-nope"), std::string::npos) << "a password reached the log";
}

TEST_F(server_it, every_response_carries_the_security_headers) {
  client c(*server);
  for (std::string target : {"/", "/api/me", "/nope", "/api/login"}) {
    auto r = c.request(http::verb::get, target);
    EXPECT_EQ(r.headers["strict-transport-security"], "max-age=31536000; includeSubDomains")
        << target;
    EXPECT_EQ(
        r.headers["content-security-policy"],
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
        "connect-src 'self'; worker-src 'self'; frame-ancestors 'none'; base-uri 'none'; "
        "form-action 'self'")
        << target;
    EXPECT_EQ(r.headers["x-content-type-options"], "nosniff") << target;
    EXPECT_EQ(r.headers["referrer-policy"], "no-referrer") << target;
  }
  EXPECT_EQ(c.request(http::verb::get, "/api/nothing").headers["cache-control"], "no-store");
}

TEST_F(server_it, routes_deny_by_default_and_path_mutations_never_serve_a_file) {
  client c(*server);
  const web::asset* index = web::find_asset("/index.html");
  auto root = c.request(http::verb::get, "/");
  if (index) {
    EXPECT_EQ(root.status, 200u);
    EXPECT_EQ(root.body.size(), index->data.size());
    EXPECT_EQ(root.headers["content-type"], index->content_type);
  } else {
    EXPECT_EQ(root.status, 404u);
  }
  for (const std::string target :
       {"//index.html", "/./index.html", "/%2e%2e/index.html", "/%2E%2E/%2E%2E/etc/passwd",
        "/js/../index.html", "/index.html;p", "/api/me;p", "/api/setup", "/api/users", "/api/admin",
        "/setup", "/ws/x", "/ws/view/../customer", "/.git/config", "/visit.db", "/tls/key.pem",
        "/index.html/", "/..%2fvisit.db", "/api/requests/../me"}) {
    auto r = c.request(http::verb::get, target);
    EXPECT_TRUE(r.status == 404u || r.status == 400u) << target << " -> " << r.status;
    EXPECT_EQ(r.body.find("<html"), std::string::npos) << target;
  }
  EXPECT_EQ(c.request(http::verb::delete_, "/api/requests").status, 405u);
  EXPECT_EQ(c.request(http::verb::get, "/api/login").status, 405u);
  EXPECT_EQ(c.request(http::verb::put, "/index.html").status, 405u);
}

TEST_F(server_it, oversized_http_requests_are_refused) {
  client c(*server);
  auto big = c.request(http::verb::post, "/api/login", std::string(70 * 1024, 'x'));
  EXPECT_EQ(big.status, 413u);
  auto header = c.request(http::verb::get, "/api/me", {}, {{"X-Filler", std::string(9000, 'y')}});
  EXPECT_EQ(header.status, 431u);
}

// --- WebSockets -----------------------------------------------------------------------------

TEST_F(server_it, viewer_upgrade_needs_our_origin_and_a_login_cookie) {
  client c(*server);
  customer cust(c, "Origin Test");
  auto [cookie, csrf] = c.login(accounts::tech, accounts::tech_password);
  ASSERT_EQ(take(c, {cookie, csrf}, cust.request_id), 200u);
  std::string target = "/ws/view/" + cust.request_id;
  std::size_t log_from = server->log().size();
  EXPECT_EQ(ws_client(c, target, {{"Cookie", cookie}, {"Origin", "https://evil.example"}}).status,
            403u);
  EXPECT_EQ(ws_client(c, target, {{"Cookie", cookie}}).status, 403u);
  EXPECT_EQ(ws_client(c, target, {{"Cookie", cookie}, {"Origin", "null"}}).status, 403u);
  EXPECT_EQ(ws_client(c, target, {{"Cookie", cookie}, {"Origin", "http://" + c.host()}}).status,
            403u);
  EXPECT_EQ(ws_client(c, target, {{"Origin", c.origin()}}).status, 401u);
  EXPECT_EQ(
      ws_client(c, target, {{"Origin", c.origin()}, {"Cookie", "__Host-visit_session=00"}}).status,
      401u);
  EXPECT_TRUE(server->wait_for_log("reason=bad_origin origin=\"https://evil.example\"", log_from));
  EXPECT_TRUE(server->wait_for_log("reason=bad_origin origin=(none)", log_from));
  EXPECT_TRUE(server->wait_for_log("reason=bad_origin origin=\"null\"", log_from));
  EXPECT_TRUE(server->wait_for_log("reason=bad_cookie", log_from));
  // A customer connection from a foreign web page is refused as well.
  EXPECT_EQ(ws_client(c, "/ws/customer", {{"Origin", "https://evil.example"}}).status, 403u);

  ws_client ok(c, target, {{"Cookie", cookie}, {"Origin", c.origin()}});
  EXPECT_EQ(ok.status, 101u);
  auto hello = ok.read();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->type, message_type::hello);
  // A well-formed id that does not exist: 404 before any upgrade, like a request not given.
  ws_client none(c, "/ws/view/" + std::string(32, 'a'),
                 {{"Cookie", cookie}, {"Origin", c.origin()}});
  EXPECT_EQ(none.status, 404u);
}

TEST_F(server_it, customer_creates_a_waiting_request_that_a_viewer_watches) {
  client c(*server);
  auto [cookie, csrf] = c.login(accounts::admin, accounts::admin_password);
  customer cust(c, "Ada <b>Lovelace</b> \"quoted\"");
  ASSERT_EQ(cust.request_id.size(), 32u);
  EXPECT_TRUE(cust.frame_acked(0x11));
  EXPECT_TRUE(server->wait_for_log("customer filed role=customer address=127.0.0.1:"));

  auto find = [&](const std::string& id) -> json::object {
    auto r = c.request(http::verb::get, "/api/requests", {}, {{"Cookie", cookie}});
    json::value body = r.json();
    for (auto& v : body.at("requests").as_array()) {
      if (v.at("id").as_string() == id) return v.as_object();
    }
    return {};
  };
  auto row = find(cust.request_id);
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.at("state").as_string(), "waiting");
  EXPECT_EQ(row.at("online").as_bool(), true);
  EXPECT_EQ(row.at("name").as_string(), "Ada <b>Lovelace</b> \"quoted\"") << "byte-exact";
  EXPECT_EQ(row.at("queue").as_string(), "general");
  EXPECT_TRUE(row.at("created_at").is_int64());
  ASSERT_EQ(take(c, {cookie, csrf}, cust.request_id), 200u);

  ws_client viewer(c, "/ws/view/" + cust.request_id, {{"Cookie", cookie}, {"Origin", c.origin()}});
  ASSERT_EQ(viewer.status, 101u);
  auto hello = viewer.read();
  ASSERT_TRUE(hello);
  EXPECT_EQ(hello->type, message_type::hello);
  EXPECT_EQ(json::parse(hello->text()).at("customer").at("name").as_string(),
            "Ada <b>Lovelace</b> \"quoted\"");
  auto screen = viewer.read();
  ASSERT_TRUE(screen);
  EXPECT_EQ(screen->type, message_type::screen_info);
  EXPECT_EQ(screen->text(), R"({"width":100,"height":100,"cell":64})");
  auto frame = viewer.read();
  ASSERT_TRUE(frame);
  ASSERT_EQ(frame->type, message_type::frame);
  auto tiles = protocol::parse_frame(frame->payload, 100, 100);
  ASSERT_TRUE(tiles);
  ASSERT_EQ(tiles->size(), 1u);
  EXPECT_EQ((*tiles)[0].data[0], 0x11);
  auto count = cust.ws.read_until(message_type::viewers);
  ASSERT_TRUE(count);
  EXPECT_EQ(count->text(), R"({"count":1,"technicians":[{"id":"alice","name":"alice"}]})");
  EXPECT_EQ(find(cust.request_id).at("state").as_string(), "in_session");

  // A new frame reaches the viewer; its ack keeps the window open.
  std::vector<std::uint8_t> ack;
  protocol::put_u32(ack, frame->sequence);
  viewer.send_message(message_type::frame_ack, ack);
  EXPECT_TRUE(cust.frame_acked(0x22));
  auto next = viewer.read_until(message_type::frame);
  ASSERT_TRUE(next);
  EXPECT_EQ((*protocol::parse_frame(next->payload, 100, 100))[0].data[0], 0x22);

  // The customer leaves: the viewer is told why, the request ends.
  cust.ws.close();
  auto bye = viewer.read_until(message_type::close_reason);
  ASSERT_TRUE(bye);
  EXPECT_NE(bye->text().find("customer_left"), std::string::npos);
  EXPECT_TRUE(server->wait_for_log("customer disconnected role=customer address=127.0.0.1:"));
  // It was in session: it stays so, offline, for its technician.
  auto ended = find(cust.request_id);
  EXPECT_EQ(ended.at("state").as_string(), "in_session");
  EXPECT_EQ(ended.at("online").as_bool(), false);
}

TEST_F(server_it, malformed_customer_message_closes_only_that_connection) {
  client c(*server);
  customer bad(c, "Bad");
  customer good(c, "Good");
  ASSERT_TRUE(bad.frame_acked(1));
  ASSERT_TRUE(good.frame_acked(1));
  std::size_t from = server->log().size();
  auto broken = solid_frame(10, 0, 64, 64, 2);  // x is not on the 64-pixel grid
  bad.ws.send_message(message_type::frame, broken);
  auto reason = bad.ws.read_until(message_type::close_reason);
  ASSERT_TRUE(reason);
  auto j = json::parse(reason->text());
  EXPECT_EQ(j.at("code").as_string(), "protocol_error");
  EXPECT_FALSE(bad.ws.read()) << "the connection must close after close_reason";
  EXPECT_EQ(bad.ws.close_code(), 1008);
  EXPECT_TRUE(server->wait_for_log("protocol_error role=customer address=127.0.0.1:", from));
  EXPECT_TRUE(server->wait_for_log("request=" + bad.request_id + " error=bad_tile", from))
      << server->log().substr(from);
  // The other customer carries on.
  EXPECT_TRUE(good.frame_acked(3));
  EXPECT_TRUE(good.frame_acked(4));
}

TEST_F(server_it, oversized_text_and_out_of_sequence_messages_are_refused) {
  client c(*server);
  {
    // A hello over its 64 KiB limit: close_reason too_large.
    ws_client ws(c, "/ws/customer", {});
    std::string big =
        R"({"protocol":1,"role":"customer","name":")" + std::string(66000, 'a') + "\"}";
    ws.send_json(message_type::hello, big);
    auto r = ws.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "too_large");
  }
  {
    // Over read_message_max (8 MiB + 16): Beast closes with 1009 before reading it all.
    customer cust(c, "Huge");
    std::size_t from = server->log().size();
    std::vector<std::uint8_t> huge(protocol::max_message_size + 1, 0);
    huge[0] = static_cast<std::uint8_t>(message_type::frame);
    try {
      cust.ws.send(huge);
    } catch (...) {
    }
    EXPECT_FALSE(cust.ws.read_until(message_type::close_reason));
    // Beast refuses it at the frame header and tears the connection down; the server logs it.
    EXPECT_TRUE(server->wait_for_log("protocol_error role=customer", from));
    auto log = server->log().substr(from);
    EXPECT_TRUE(log.find("error=websocket_refused") != std::string::npos ||
                log.find("error=too_large") != std::string::npos)
        << log;
  }
  {
    // A fixed-size message over its size: close_reason too_large after one chunk at most.
    customer cust(c, "Ack");
    std::vector<std::uint8_t> junk(100, 0);
    cust.ws.send_message(message_type::frame_ack, junk);
    auto r = cust.ws.read_until(message_type::close_reason);
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "too_large");
  }
  {
    customer cust(c, "Text");
    cust.ws.send_text("{\"hello\":1}");
    auto r = cust.ws.read_until(message_type::close_reason);
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "protocol_error");
  }
  {
    ws_client ws(c, "/ws/customer", {});
    auto m = protocol::make_json_message(message_type::hello, 7, 0,
                                         R"({"protocol":1,"role":"customer","name":"x"})");
    ws.send(m);
    auto r = ws.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(r->type, message_type::close_reason);
    EXPECT_TRUE(server->wait_for_log("error=bad_sequence"));
  }
  {
    ws_client ws(c, "/ws/customer", {});
    ws.send_json(message_type::hello, R"({"protocol":2,"role":"customer","name":"x"})");
    auto r = ws.read();
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "version_mismatch");
  }
}

TEST_F(server_it, logout_closes_the_sessions_live_websockets) {
  client c(*server);
  customer cust(c, "Logout Test");
  ASSERT_TRUE(cust.frame_acked(5));
  auto [cookie, csrf] = c.login(accounts::tech, accounts::tech_password);
  auto [other_cookie, other_csrf] = c.login(accounts::tech, accounts::tech_password);
  ASSERT_EQ(take(c, {cookie, csrf}, cust.request_id), 200u);
  ws_client viewer(c, "/ws/view/" + cust.request_id, {{"Cookie", cookie}, {"Origin", c.origin()}});
  ws_client other(c, "/ws/view/" + cust.request_id,
                  {{"Cookie", other_cookie}, {"Origin", c.origin()}});
  ASSERT_EQ(viewer.status, 101u);
  ASSERT_TRUE(viewer.read_until(message_type::frame));
  ASSERT_TRUE(other.read_until(message_type::frame));
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(
      c.request(http::verb::post, "/api/logout", {}, {{"Cookie", cookie}, {"X-CSRF-Token", csrf}})
          .status,
      204u);
  auto reason = viewer.read_until(message_type::close_reason);
  ASSERT_TRUE(reason);
  EXPECT_EQ(json::parse(reason->text()).at("code").as_string(), "unauthorized");
  EXPECT_FALSE(viewer.read());
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
  // Another login session of the same user is not affected.
  ASSERT_TRUE(cust.frame_acked(6));
  EXPECT_TRUE(other.read_until(message_type::frame));
}

TEST_F(server_it, disabling_or_demoting_a_user_closes_their_live_websockets) {
  client c(*server);
  customer cust(c, "Disable Test");
  ASSERT_TRUE(cust.frame_acked(7));
  auto [admin_cookie, admin_csrf] = c.login(accounts::admin, accounts::admin_password);
  auto admin_post = [&](const std::string& target, const std::string& body) {
    return c.request(
        http::verb::post, target, body,
        {{"Cookie", admin_cookie}, {"X-CSRF-Token", admin_csrf}, {"Origin", c.origin()}});
  };
  for (const char* name : {"frank", "grace"}) {
    auto made =
        admin_post("/api/admin/users",
                   json::serialize(json::object{{"username", name},
                                                {"role", "senior"},
                                                {"password", std::string(name) + "-password-1"}}));
    ASSERT_EQ(made.status, 201u) << made.body;
  }
  auto [frank_cookie, frank_csrf] = c.login("frank", "frank-password-1");
  auto [grace_cookie, grace_csrf] = c.login("grace", "grace-password-1");
  // Seniors are given a request once it is in session (protocol.md §8.2).
  ASSERT_EQ(take(c, {admin_cookie, admin_csrf}, cust.request_id), 200u);
  ws_client frank(c, "/ws/view/" + cust.request_id,
                  {{"Cookie", frank_cookie}, {"Origin", c.origin()}});
  ws_client grace(c, "/ws/view/" + cust.request_id,
                  {{"Cookie", grace_cookie}, {"Origin", c.origin()}});
  ASSERT_TRUE(frank.read_until(message_type::frame));
  ASSERT_TRUE(grace.read_until(message_type::frame));
  for (auto [who, body] :
       {std::pair{&frank, R"({"disabled":true})"}, std::pair{&grace, R"({"role":"technician"})"}}) {
    auto t0 = std::chrono::steady_clock::now();
    std::string name = who == &frank ? "frank" : "grace";
    ASSERT_EQ(admin_post("/api/admin/users/" + name, body).status, 200u) << name;
    auto reason = who->read_until(message_type::close_reason);
    ASSERT_TRUE(reason) << name;
    EXPECT_EQ(json::parse(reason->text()).at("code").as_string(), "unauthorized");
    EXPECT_FALSE(who->read());
    EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s) << name;
  }
  EXPECT_EQ(c.request(http::verb::get, "/api/me", {}, {{"Cookie", frank_cookie}}).status, 401u);
  EXPECT_EQ(c.request(http::verb::get, "/api/me", {}, {{"Cookie", grace_cookie}}).status, 401u);
  ASSERT_TRUE(cust.frame_acked(8)) << "the customer is not affected";
}

TEST_F(server_it, only_the_controller_in_full_access_reaches_the_customer) {
  namespace ct = protocol::control_type;
  client c(*server);
  customer cust(c, "Access");
  ASSERT_TRUE(cust.frame_acked(1));
  auto [alice_cookie, a_csrf] = c.login(accounts::admin, accounts::admin_password);
  auto [bob_cookie, b_csrf] = c.login(accounts::tech, accounts::tech_password);
  ASSERT_EQ(take(c, {bob_cookie, b_csrf}, cust.request_id), 200u);
  ws_client alice(c, "/ws/view/" + cust.request_id,
                  {{"Cookie", alice_cookie}, {"Origin", c.origin()}});
  ws_client bob(c, "/ws/view/" + cust.request_id, {{"Cookie", bob_cookie}, {"Origin", c.origin()}});
  ASSERT_TRUE(alice.read_until(message_type::frame));
  ASSERT_TRUE(bob.read_until(message_type::frame));

  // bob asks for control: the customer hears it with bob's login identity.
  bob.send_json(ct::control_request, "{}");
  auto request = cust.ws.read_until(ct::control_request);
  ASSERT_TRUE(request);
  EXPECT_EQ(request->text(), R"({"technician":{"id":"bob","name":"bob"}})");

  // The customer grants bob Full-Access; both viewers see the state.
  cust.ws.send_json(
      ct::access_state,
      R"({"mode":"full_access","controller":{"id":"bob","name":"bob"},"reason":"granted"})");
  ASSERT_TRUE(alice.read_until(ct::access_state));
  ASSERT_TRUE(bob.read_until(ct::access_state));
  protocol::input_event e;
  e.kind = protocol::input_kind::pointer_move;
  e.x = 5;
  e.y = 6;
  auto payload = [&](const std::vector<std::uint8_t>& msg) {
    return std::vector<std::uint8_t>(msg.begin() + protocol::header_size, msg.end());
  };
  for (int i = 0; i < 20; ++i)
    alice.send_message(ct::input, payload(protocol::make_input(1, 0, "", std::span(&e, 1))));
  bob.send_message(ct::input, payload(protocol::make_input(1, 0, "", std::span(&e, 1))));
  auto input = cust.ws.read_until(ct::input);
  ASSERT_TRUE(input);
  auto batch = protocol::parse_input(input->payload);
  ASSERT_TRUE(batch);
  EXPECT_EQ(batch->from, "bob") << "alice's 20 events must not arrive, bob's must";
  // A viewer claiming an identity is refused.
  alice.send_message(ct::input, payload(protocol::make_input(1, 0, "bob", std::span(&e, 1))));
  auto reason = alice.read_until(message_type::close_reason);
  ASSERT_TRUE(reason);
  EXPECT_EQ(json::parse(reason->text()).at("code").as_string(), "protocol_error");
}

// --- TLS ------------------------------------------------------------------------------------

// A raw OpenSSL handshake with the given client limits; true when it succeeds.
bool handshake(unsigned short port, int min_version, int max_version, const char* ciphers,
               const char* suites, std::string* cipher_out = nullptr) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
  SSL_CTX_set_security_level(ctx, 0);  // let the client offer what the server must refuse
  SSL_CTX_set_min_proto_version(ctx, min_version);
  SSL_CTX_set_max_proto_version(ctx, max_version);
  if (ciphers) SSL_CTX_set_cipher_list(ctx, ciphers);
  if (suites) SSL_CTX_set_ciphersuites(ctx, suites);
  net::io_context ioc;
  tcp::socket sock(ioc);
  sock.connect({net::ip::make_address("127.0.0.1"), port});
  SSL* ssl = SSL_new(ctx);
  SSL_set_fd(ssl, sock.native_handle());
  bool ok = SSL_connect(ssl) == 1;
  if (ok && cipher_out) *cipher_out = SSL_get_cipher_name(ssl);
  if (ok) {
    EXPECT_EQ(SSL_get_current_compression(ssl), nullptr);
    SSL_shutdown(ssl);
  }
  SSL_free(ssl);
  SSL_CTX_free(ctx);
  return ok;
}

TEST_F(server_it, tls_1_2_and_1_3_with_aead_suites_only) {
  auto port = server->port();
  EXPECT_FALSE(handshake(port, TLS1_VERSION, TLS1_VERSION, "ALL:@SECLEVEL=0", nullptr));
  EXPECT_FALSE(handshake(port, TLS1_1_VERSION, TLS1_1_VERSION, "ALL:@SECLEVEL=0", nullptr));
  for (const char* cbc :
       {"ECDHE-ECDSA-AES128-SHA", "ECDHE-ECDSA-AES256-SHA384", "ECDHE-ECDSA-AES128-SHA256",
        "AES128-GCM-SHA256", "AES256-SHA", "ECDHE-ECDSA-NULL-SHA"}) {
    EXPECT_FALSE(handshake(port, TLS1_2_VERSION, TLS1_2_VERSION, cbc, nullptr)) << cbc;
  }
  for (const char* aead : {"ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-ECDSA-AES256-GCM-SHA384",
                           "ECDHE-ECDSA-CHACHA20-POLY1305"}) {
    std::string got;
    EXPECT_TRUE(handshake(port, TLS1_2_VERSION, TLS1_2_VERSION, aead, nullptr, &got)) << aead;
    EXPECT_EQ(got, aead);
  }
  EXPECT_FALSE(handshake(port, TLS1_3_VERSION, TLS1_3_VERSION, nullptr, "TLS_AES_128_CCM_SHA256"));
  for (const char* suite :
       {"TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256"}) {
    std::string got;
    EXPECT_TRUE(handshake(port, TLS1_3_VERSION, TLS1_3_VERSION, nullptr, suite, &got)) << suite;
    EXPECT_EQ(got, suite);
  }
  EXPECT_TRUE(server->wait_for_log("tls_handshake_failed address=127.0.0.1:"));
}

// --- start-up, accounts, throttling, caps ---------------------------------------------------

TEST(server_start, refuses_to_start_without_tls_keys) {
  auto dir = testing::make_temp_dir("visit-it");
  std::string out;
  int rc = testing::run_command(
      {VISIT_SERVER_BINARY, "--listen", "127.0.0.1:0", "--data-dir", dir.string()}, "", out, dir);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("--tls-cert"), std::string::npos) << out;
  EXPECT_NE(out.find("--tls-key"), std::string::npos) << out;
  EXPECT_EQ(out.find("listening on"), std::string::npos);
  rc = testing::run_command(
      {VISIT_SERVER_BINARY, "--listen", "127.0.0.1:0", "--data-dir", dir.string(), "--tls-cert",
       (dir / "no.pem").string(), "--tls-key", (dir / "no.key").string()},
      "", out, dir);
  EXPECT_NE(rc, 0);
  EXPECT_NE(out.find("no.pem"), std::string::npos) << out;
  EXPECT_FALSE(testing::fs::exists(dir / "tls")) << "no key may be generated without --self-signed";
  testing::fs::remove_all(dir);
}

TEST(server_start, self_signed_certificate_is_kept_and_given_keys_are_used) {
  auto dir = testing::make_temp_dir("visit-it");
  testing::fs::create_directories(dir / "a");
  std::string first;
  {
    server_process s({}, dir / "a", true);
    first = s.fingerprint();
    EXPECT_NE(s.log().find("GENERATED a new self-signed certificate"), std::string::npos);
    EXPECT_EQ(s.stop(), 0);
  }
  auto log_a = testing::read_file(dir / "a" / "server.log");
  auto cert = dir / "a" / "tls" / "cert.pem";
  auto key = dir / "a" / "tls" / "key.pem";
  EXPECT_EQ(testing::fs::status(key).permissions() & testing::fs::perms::others_all,
            testing::fs::perms::none);
  {
    // Restarted: the same certificate, not a new one.
    testing::fs::remove(dir / "a" / "server.log");
    server_process s({}, dir / "a", true);
    EXPECT_EQ(s.fingerprint(), first);
    EXPECT_NE(s.log().find("using the self-signed certificate"), std::string::npos);
  }
  {
    // The production path with the same files: no warning, same fingerprint.
    testing::fs::create_directories(dir / "b");
    server_process s({"--tls-cert", cert.string(), "--tls-key", key.string()}, dir / "b", true);
    EXPECT_EQ(s.fingerprint(), first);
    EXPECT_EQ(s.log().find("self-signed"), std::string::npos);
    EXPECT_FALSE(testing::fs::exists(dir / "b" / "tls"));
  }
  testing::fs::remove_all(dir);
}

TEST(server_start, user_add_refuses_duplicates_and_short_passwords) {
  auto dir = testing::make_temp_dir("visit-it");
  std::string out;
  std::vector<std::string> add = {
      VISIT_SERVER_BINARY, "user", "add", "carol", "--role", "senior", "--data-dir", dir.string()};
  EXPECT_EQ(testing::run_command(add, "short\n", out, dir), 1);
  EXPECT_NE(out.find("12 to 256 bytes"), std::string::npos) << out;
  EXPECT_EQ(testing::run_command(add, "long-enough-1\n", out, dir), 0) << out;
  EXPECT_EQ(testing::run_command(add, "long-enough-2\n", out, dir), 1);
  EXPECT_NE(out.find("already exists"), std::string::npos) << out;
  add[5] = "root";
  EXPECT_EQ(testing::run_command(add, "long-enough-3\n", out, dir), 2);
  testing::fs::remove_all(dir);
}

TEST(server_limits, login_is_throttled_and_the_real_user_gets_back_in) {
  server_process s({}, prepared_data_dir());
  client c(s);
  std::string bad = R"({"username":"bob","password":"guess-guess"})";
  for (int i = 0; i < 4; ++i)
    EXPECT_EQ(c.request(http::verb::post, "/api/login", bad).status, 401u) << i;
  auto throttled = c.request(http::verb::post, "/api/login", bad);
  EXPECT_EQ(throttled.status, 429u);
  EXPECT_EQ(throttled.headers["retry-after"], "1");
  // Even the right password is refused while throttled (it is not checked) ...
  std::string good = R"({"username":"bob","password":"bob-password-12"})";
  EXPECT_EQ(c.request(http::verb::post, "/api/login", good).status, 429u);
  EXPECT_TRUE(s.wait_for_log("login throttled address=127.0.0.1:"));
  // ... and accepted once the delay has passed.
  std::this_thread::sleep_for(1100ms);
  EXPECT_EQ(c.request(http::verb::post, "/api/login", good).status, 200u);
  EXPECT_EQ(c.request(http::verb::post, "/api/login", bad).status, 401u) << "success cleared it";
}

TEST(server_limits, connections_per_address_are_capped) {
  server_process s({"--max-connections-per-address", "3"}, prepared_data_dir());
  net::io_context ioc;
  tcp::endpoint ep(net::ip::make_address("127.0.0.1"), s.port());
  std::vector<std::unique_ptr<tcp::socket>> open;
  for (int i = 0; i < 3; ++i) {
    open.push_back(std::make_unique<tcp::socket>(ioc));
    open.back()->connect(ep);
  }
  tcp::socket extra(ioc);
  extra.connect(ep);
  char byte;
  boost::system::error_code ec;
  extra.read_some(net::buffer(&byte, 1), ec);  // the server closes it at once
  EXPECT_TRUE(ec == net::error::eof || ec == net::error::connection_reset) << ec.message();
  EXPECT_TRUE(s.wait_for_log("reason=connection_cap"));
  open.clear();
  std::this_thread::sleep_for(200ms);
  client c(s);
  EXPECT_EQ(c.request(http::verb::get, "/api/me").status, 401u) << "slots are given back";
}

TEST(server_shutdown, sigterm_closes_websockets_with_server_shutdown) {
  server_process s({}, prepared_data_dir());
  client c(s);
  customer cust(c, "Shutdown");
  ASSERT_TRUE(cust.frame_acked(1));
  std::thread stopper([&] { s.stop(); });
  auto reason = cust.ws.read_until(message_type::close_reason);
  stopper.join();
  ASSERT_TRUE(reason);
  EXPECT_EQ(json::parse(reason->text()).at("code").as_string(), "server_shutdown");
  EXPECT_EQ(s.stop(), 0);
  EXPECT_NE(s.log().find("shutdown signal=15"), std::string::npos);
}

}  // namespace
}  // namespace visit::server
