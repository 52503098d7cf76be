// The front door end to end over real TLS (docs/protocol.md §3.1, §3.4-§3.6, §8): the
// customer handshake with the server's wizard, routing by topic, the take race, request
// actions with role checks, the Call Manager feed, and the security battery T3 (route
// inventory), T4 (CSRF), T5 (WebSocket Origin), T7 (session-code guessing), T9 (join
// authorisation, no leaks in listings), T12 (hostile strings byte-exact, no child process).
#include <dirent.h>

#include <atomic>
#include <fstream>
#include <random>
#include <set>

#include "it_support.hpp"

namespace visit::server {
namespace {

using namespace it;

struct login_t {
  std::string cookie, csrf;
  std::pair<std::string, std::string> pair() const { return {cookie, csrf}; }
};

// alice admin, bob and carol technicians, dave senior.
testing::fs::path front_door_data_dir(int extra_technicians = 0) {
  auto dir = testing::make_temp_dir("visit-fd");
  std::vector<std::pair<std::string, std::string>> users = {
      {"alice", "admin"}, {"bob", "technician"}, {"carol", "technician"}, {"dave", "senior"}};
  for (int i = 0; i < extra_technicians; ++i)
    users.push_back({"t" + std::to_string(i), "technician"});
  for (auto& [name, role] : users) {
    std::string out;
    EXPECT_EQ(testing::run_command({VISIT_SERVER_BINARY, "user", "add", name, "--role", role,
                                    "--data-dir", dir.string()},
                                   name + "-password-1\n", out, dir),
              0)
        << out;
  }
  return dir;
}

login_t login(client& c, const std::string& user) {
  auto [cookie, csrf] = c.login(user, user + "-password-1");
  return {cookie, csrf};
}

http_result post(client& c, const login_t& l, const std::string& target,
                 const std::string& body = "{}") {
  return it::post(c, l.pair(), target, body);
}
http_result get(client& c, const login_t& l, const std::string& target) {
  return it::get(c, l.pair(), target);
}

json::object find_in_list(client& c, const login_t& l, const std::string& id) {
  auto r = get(c, l, "/api/requests");
  EXPECT_EQ(r.status, 200u);
  json::value body = r.json();
  for (auto& v : body.at("requests").as_array()) {
    if (v.at("id").as_string() == id) return v.as_object();
  }
  return {};
}

// A hello; returns the server's answer (hello or close_reason).
std::optional<ws_client::received> hello(ws_client& ws, const json::object& extra = {}) {
  json::object h{{"protocol", 1}, {"role", "customer"}, {"client", "front-door-test"}};
  for (auto& [k, v] : extra) h[k] = v;
  ws.send_json(message_type::hello, json::serialize(h));
  return ws.read();
}

std::string close_code_of(const std::optional<ws_client::received>& m) {
  if (!m || m->type != message_type::close_reason) return "(no close_reason)";
  return std::string(json::parse(m->text()).at("code").as_string());
}

class front_door : public ::testing::Test {
 protected:
  static void SetUpTestSuite() { server = new server_process({}, front_door_data_dir()); }
  static void TearDownTestSuite() {
    delete server;
    server = nullptr;
  }
  static server_process* server;
};
server_process* front_door::server = nullptr;

// --- the handshake ----------------------------------------------------------------------------

TEST_F(front_door, handshake_files_a_request_with_the_servers_wizard) {
  client c(*server);
  customer cust(c, "Ada");
  ASSERT_TRUE(cust.refused.empty()) << cust.refused;
  EXPECT_EQ(cust.server_hello.at("protocol").as_int64(), 1);
  EXPECT_TRUE(cust.server_hello.at("access_control").as_bool());
  EXPECT_EQ(cust.server_hello.at("wizard_version").as_int64(), 1);
  EXPECT_FALSE(cust.server_hello.contains("paired_with"));
  EXPECT_EQ(cust.filed_json.at("queue").as_string(), "general");
  EXPECT_TRUE(cust.filed_json.at("technician").is_null());
  EXPECT_EQ(cust.filed_json.at("resume_token").as_string().size(), 32u);
  EXPECT_TRUE(cust.frame_acked(0x40));
  auto alice = login(c, "alice");
  auto row = find_in_list(c, alice, cust.request_id);
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.at("state").as_string(), "waiting");
  EXPECT_EQ(row.at("summary").as_string(), "test Ada");
  EXPECT_EQ(row.at("online").as_bool(), true);
  EXPECT_EQ(row.at("via_code").as_bool(), false);
  // The customer leaves before anyone took it: abandoned.
  cust.ws.close();
  ASSERT_TRUE(server->wait_for_log("customer disconnected role=customer address=127.0.0.1:"));
  for (int i = 0; i < 100 && find_in_list(c, alice, cust.request_id).at("state") != "abandoned";
       ++i) {
    std::this_thread::sleep_for(20ms);
  }
  row = find_in_list(c, alice, cust.request_id);
  EXPECT_EQ(row.at("state").as_string(), "abandoned");
  EXPECT_EQ(row.at("online").as_bool(), false);
}

TEST_F(front_door, bad_answers_are_refused_with_the_path_in_the_message) {
  client c(*server);
  customer cust(c, "Bad", json::object{{"topic", "no-such-topic"}, {"summary", "x"}});
  ASSERT_FALSE(cust.refused.empty());
  auto reason = json::parse(cust.refused);
  EXPECT_EQ(reason.at("code").as_string(), "invalid_request");
  EXPECT_NE(std::string(reason.at("message").as_string()).find("answers.topic"), std::string::npos)
      << cust.refused;
  customer missing(c, "Missing", json::object{{"topic", "printing"}});
  ASSERT_FALSE(missing.refused.empty());
  EXPECT_NE(missing.refused.find("answers.summary"), std::string::npos) << missing.refused;
}

TEST_F(front_door, support_request_over_4_mib_is_too_large) {
  client c(*server);
  ws_client ws(c, "/ws/customer", {});
  auto h = hello(ws);
  ASSERT_TRUE(h && h->type == message_type::hello);
  std::vector<std::uint8_t> payload(4 * 1024 * 1024 + 1, ' ');
  payload.front() = '{';
  payload.back() = '}';
  ws.send_message(protocol::request_type::support_request, payload);
  EXPECT_EQ(close_code_of(ws.read()), "too_large");
}

TEST_F(front_door, nothing_but_support_request_before_request_filed) {
  client c(*server);
  for (auto type : {message_type::screen_info, message_type::frame, message_type::hello}) {
    ws_client ws(c, "/ws/customer", {});
    auto h = hello(ws);
    ASSERT_TRUE(h && h->type == message_type::hello);
    if (type == message_type::frame) {
      ws.send_message(type, solid_frame(0, 0, 64, 64, 1));
    } else {
      ws.send_json(type, R"({"width":100,"height":100,"cell":64})");
    }
    auto r = ws.read();
    EXPECT_EQ(close_code_of(r), "protocol_error");
    EXPECT_NE(r->text().find("before request_filed"), std::string::npos) << r->text();
  }
  // Not even before hello.
  ws_client ws(c, "/ws/customer", {});
  ws.send_json(message_type::screen_info, R"({"width":100,"height":100,"cell":64})");
  EXPECT_EQ(close_code_of(ws.read()), "protocol_error");
  // A request naming a version the server does not have.
  ws_client v(c, "/ws/customer", {});
  ASSERT_TRUE(hello(v));
  v.send_json(protocol::request_type::support_request,
              R"({"wizard_version":99,"name":"x","answers":{},"collected":{}})");
  auto r = v.read();
  EXPECT_EQ(close_code_of(r), "invalid_request");
  EXPECT_NE(r->text().find("wizard_version"), std::string::npos);
}

TEST_F(front_door, a_topic_with_a_team_queue_routes_there) {
  client c(*server);
  // The default wizard sends "security" to the senior queue.
  customer probe(c, "Probe");
  ASSERT_TRUE(probe.refused.empty());
  std::string team_value;
  for (auto& page : probe.server_hello.at("wizard").at("pages").as_array()) {
    for (auto& q : page.at("questions").as_array()) {
      if (q.at("id") != "topic") continue;
      for (auto& o : q.at("options").as_array()) {
        if (o.as_object().contains("queue") && o.at("queue") == "senior") {
          team_value = std::string(o.at("value").as_string());
        }
      }
    }
  }
  ASSERT_FALSE(team_value.empty());
  customer cust(c, "Routed", json::object{{"topic", team_value}, {"summary", "phishing mail"}});
  ASSERT_TRUE(cust.refused.empty()) << cust.refused;
  EXPECT_EQ(cust.filed_json.at("queue").as_string(), "senior");
  auto bob = login(c, "bob");
  auto dave = login(c, "dave");
  EXPECT_TRUE(find_in_list(c, bob, cust.request_id).empty()) << "a technician cannot see senior";
  auto row = find_in_list(c, dave, cust.request_id);
  ASSERT_FALSE(row.empty());
  EXPECT_EQ(row.at("queue").as_string(), "senior");
  EXPECT_EQ(row.at("topic").as_string(), team_value);
  EXPECT_EQ(get(c, bob, "/api/requests/" + cust.request_id).status, 404u);
  EXPECT_EQ(post(c, bob, "/api/requests/" + cust.request_id + "/take").status, 404u);
}

// --- take race ---------------------------------------------------------------------------------

TEST_F(front_door, of_two_takes_at_the_same_moment_exactly_one_wins_50_rounds) {
  client c1(*server);
  client c2(*server);
  auto bob = login(c1, "bob");
  auto carol = login(c2, "carol");
  int wins_bob = 0, wins_carol = 0;
  for (int round = 0; round < 50; ++round) {
    customer cust(c1, "Race " + std::to_string(round));
    ASSERT_TRUE(cust.refused.empty()) << cust.refused;
    std::promise<void> go;
    std::shared_future<void> start = go.get_future().share();
    auto take_as = [&](client& c, const login_t& l) {
      return std::async(std::launch::async, [&c, &l, start, id = cust.request_id] {
        start.wait();
        return post(c, l, "/api/requests/" + id + "/take");
      });
    };
    auto f1 = take_as(c1, bob);
    auto f2 = take_as(c2, carol);
    go.set_value();
    auto r1 = f1.get();
    auto r2 = f2.get();
    ASSERT_EQ(std::set<unsigned>({r1.status, r2.status}), std::set<unsigned>({200u, 409u}))
        << r1.body << " / " << r2.body;
    const auto& loser = r1.status == 409 ? r1 : r2;
    std::string winner = r1.status == 200 ? "bob" : "carol";
    (winner == "bob" ? wins_bob : wins_carol)++;
    EXPECT_EQ(loser.json().at("error").as_string(), "already taken by " + winner);
    const auto& won = r1.status == 200 ? r1 : r2;
    EXPECT_EQ(won.json().at("technician").as_string(), winner);
    EXPECT_EQ(won.json().at("state").as_string(), "in_session");
  }
  std::cout << "take race: bob won " << wins_bob << ", carol won " << wins_carol << " of 50\n";
}

// --- request actions and roles, with the Call Manager feed ------------------------------------

struct console_client {
  console_client(client& c, const login_t& l)
      : ws(c, "/ws/console", {{"Cookie", l.cookie}, {"Origin", c.origin()}}) {}
  // The next console_event as JSON, or null.
  json::value next(std::chrono::milliseconds timeout = 1000ms) {
    auto m = ws.read(timeout);
    if (!m) return nullptr;
    EXPECT_EQ(m->type, protocol::request_type::console_event);
    return json::parse(m->text());
  }
  // Reads events until one about `id` satisfies `pred` (within `timeout` in all).
  bool wait_for(const std::string& id, const std::function<bool(const json::object&)>& pred,
                std::chrono::milliseconds timeout = 1000ms) {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    while (std::chrono::steady_clock::now() < deadline) {
      auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
          deadline - std::chrono::steady_clock::now());
      auto e = next(std::max(left, 1ms));
      if (e.is_null()) return false;
      auto& o = e.as_object();
      if (o.at("event") == "request" && o.at("request").at("id") == json::value(id) &&
          pred(o.at("request").as_object())) {
        return true;
      }
      if (o.at("event") == "removed" && o.at("id") == json::value(id) &&
          pred(json::object{{"removed", true}})) {
        return true;
      }
    }
    return false;
  }
  ws_client ws;
};

TEST_F(front_door, transfer_invite_notes_resolve_reopen_with_role_checks_and_a_live_feed) {
  client c(*server);
  auto alice = login(c, "alice");
  auto bob = login(c, "bob");
  auto carol = login(c, "carol");
  auto dave = login(c, "dave");
  console_client dave_console(c, dave);
  ASSERT_EQ(dave_console.ws.status, 101u);
  auto snap = dave_console.next();
  ASSERT_TRUE(snap.is_object());
  EXPECT_EQ(snap.at("event").as_string(), "snapshot");
  EXPECT_TRUE(snap.at("requests").is_array());
  EXPECT_GE(snap.at("queues").as_array().size(), 2u);
  console_client bob_console(c, bob);
  ASSERT_EQ(bob_console.next().at("event").as_string(), "snapshot");

  auto t0 = std::chrono::steady_clock::now();
  customer cust(c, "Actions");
  ASSERT_TRUE(cust.refused.empty());
  const std::string base = "/api/requests/" + cust.request_id;
  auto is = [](std::string_view state) {
    return [state](const json::object& r) {
      return r.contains("state") && r.at("state") == json::value(json::string(state));
    };
  };
  ASSERT_TRUE(dave_console.wait_for(cust.request_id, is("waiting")));
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 1s) << "a new request appears within 1 s";
  ASSERT_TRUE(bob_console.wait_for(cust.request_id, is("waiting")));

  ASSERT_EQ(post(c, bob, base + "/take").status, 200u);
  ASSERT_TRUE(dave_console.wait_for(cust.request_id, [](const json::object& r) {
    return r.at("state") == "in_session" && r.at("technician") == "bob";
  }));
  // Another technician may see it and add notes, but not manage it.
  EXPECT_EQ(post(c, carol, base + "/notes", R"({"text":"I know this printer"})").status, 201u);
  EXPECT_EQ(post(c, carol, base + "/transfer", R"({"queue":"senior"})").status, 403u);
  EXPECT_EQ(post(c, carol, base + "/invite", R"({"technician":"carol"})").status, 403u);
  EXPECT_EQ(post(c, carol, base + "/resolve", R"({"note":"x"})").status, 403u);
  EXPECT_EQ(post(c, carol, base + "/take").status, 409u);
  EXPECT_EQ(post(c, bob, base + "/notes", R"({"text":""})").status, 400u);
  EXPECT_EQ(
      post(c, bob, base + "/notes", json::serialize(json::object{{"text", std::string(4097, 'n')}}))
          .status,
      400u);
  EXPECT_EQ(post(c, bob, base + "/transfer", R"({"queue":"nope"})").status, 400u);
  EXPECT_EQ(post(c, bob, base + "/transfer", R"({"technician":"nobody"})").status, 400u);
  EXPECT_EQ(post(c, bob, base + "/transfer", R"({"queue":"senior","technician":"dave"})").status,
            400u);

  // The owner moves it to the senior queue: it leaves bob's view.
  auto moved = post(c, bob, base + "/transfer", R"({"queue":"senior"})");
  ASSERT_EQ(moved.status, 200u) << moved.body;
  EXPECT_EQ(moved.json().at("queue").as_string(), "senior");
  EXPECT_EQ(moved.json().at("state").as_string(), "waiting");
  EXPECT_TRUE(moved.json().at("technician").is_null());
  ASSERT_TRUE(bob_console.wait_for(cust.request_id,
                                   [](const json::object& r) { return r.contains("removed"); }));
  EXPECT_EQ(get(c, bob, base).status, 404u);
  ASSERT_EQ(post(c, dave, base + "/take").status, 200u);
  EXPECT_EQ(post(c, dave, base + "/invite", R"({"technician":"carol"})").status, 204u);
  EXPECT_EQ(get(c, carol, base).status, 200u) << "invited: may see";

  // dave watches; resolving ends the customer's connection and the viewer's with `resolved`.
  ws_client viewer(c, "/ws/view/" + cust.request_id,
                   {{"Cookie", dave.cookie}, {"Origin", c.origin()}});
  ASSERT_EQ(viewer.status, 101u);
  ASSERT_TRUE(viewer.read_until(message_type::hello));
  ASSERT_TRUE(dave_console.wait_for(
      cust.request_id, [](const json::object& r) { return r.at("viewers").as_int64() == 1; }));
  auto resolved = post(c, dave, base + "/resolve", R"({"note":"replaced the toner"})");
  ASSERT_EQ(resolved.status, 200u) << resolved.body;
  EXPECT_EQ(resolved.json().at("state").as_string(), "resolved");
  auto bye = cust.ws.read_until(message_type::close_reason);
  ASSERT_TRUE(bye);
  EXPECT_EQ(json::parse(bye->text()).at("code").as_string(), "resolved");
  auto vbye = viewer.read_until(message_type::close_reason);
  ASSERT_TRUE(vbye);
  EXPECT_EQ(json::parse(vbye->text()).at("code").as_string(), "resolved");
  ASSERT_TRUE(dave_console.wait_for(cust.request_id, is("resolved")));
  EXPECT_EQ(post(c, dave, base + "/resolve", "{}").status, 409u);

  auto reopened = post(c, dave, base + "/reopen");
  ASSERT_EQ(reopened.status, 200u);
  EXPECT_EQ(reopened.json().at("state").as_string(), "waiting");
  EXPECT_EQ(reopened.json().at("queue").as_string(), "senior");

  auto details = get(c, alice, base);
  ASSERT_EQ(details.status, 200u);
  auto d = details.json().as_object();
  ASSERT_EQ(d.at("notes").as_array().size(), 2u);
  EXPECT_EQ(d.at("notes").as_array()[0].at("author").as_string(), "carol");
  EXPECT_EQ(d.at("notes").as_array()[1].at("text").as_string(), "replaced the toner");
  std::vector<std::string> whats;
  for (auto& e : d.at("events").as_array()) whats.emplace_back(e.at("what").as_string());
  for (std::string want : {"filed in general", "take", "transfer to queue senior", "invite carol",
                           "resolve", "reopen"}) {
    EXPECT_NE(std::find(whats.begin(), whats.end(), want), whats.end()) << want;
  }
  EXPECT_EQ(d.at("wizard_version").as_int64(), 1);
  bool topic_labelled = false;
  for (auto& a : d.at("answers").as_array()) {
    if (a.at("id") == "topic") topic_labelled = a.at("label") != "topic";
  }
  EXPECT_TRUE(topic_labelled);
  EXPECT_TRUE(d.at("collected").at("os").at("status") == "left_out");
}

// --- queue and wizard administration ------------------------------------------------------

TEST_F(front_door, a_queue_update_with_an_unknown_min_role_is_refused_and_changes_nothing) {
  client c(*server);
  auto alice = login(c, "alice");
  ASSERT_EQ(post(c, alice, "/api/admin/queues",
                 R"({"name":"plotters","title":"Plotters","min_role":"senior"})")
                .status,
            201u);
  // The caller's mistake (400), never a database error (500).
  for (std::string body : {R"({"min_role":"king"})", R"({"min_role":""})",
                           R"({"title":"Renamed","min_role":"Admin"})"}) {
    auto r = post(c, alice, "/api/admin/queues/plotters", body);
    EXPECT_EQ(r.status, 400u) << body;
    EXPECT_EQ(r.json().at("error").as_string(), "min_role: one of technician, senior, admin");
  }
  bool found = false;
  json::value listed = get(c, alice, "/api/admin/queues").json();
  for (auto& q : listed.at("queues").as_array()) {
    if (q.at("name") != "plotters") continue;
    found = true;
    EXPECT_EQ(q.at("min_role"), "senior");
    EXPECT_EQ(q.at("title"), "Plotters");
  }
  EXPECT_TRUE(found);
}

TEST_F(front_door, admins_manage_queues_and_the_wizard_and_bad_definitions_list_their_problems) {
  client c(*server);
  auto alice = login(c, "alice");
  auto bob = login(c, "bob");
  EXPECT_EQ(get(c, bob, "/api/admin/queues").status, 403u);
  EXPECT_EQ(get(c, bob, "/api/admin/wizard").status, 403u);
  EXPECT_EQ(post(c, bob, "/api/admin/queues", R"({"name":"x","title":"X","min_role":"technician"})")
                .status,
            403u);
  auto q = get(c, alice, "/api/admin/queues");
  ASSERT_EQ(q.status, 200u);
  EXPECT_EQ(q.json().at("queues").as_array().size() >= 2, true);
  EXPECT_EQ(post(c, alice, "/api/admin/queues",
                 R"({"name":"printers","title":"Printers","min_role":"technician"})")
                .status,
            201u);
  EXPECT_EQ(post(c, alice, "/api/admin/queues",
                 R"({"name":"printers","title":"Again","min_role":"technician"})")
                .status,
            409u);
  EXPECT_EQ(
      post(c, alice, "/api/admin/queues", R"({"name":"Bad Name","title":"x","min_role":"admin"})")
          .status,
      400u);
  EXPECT_EQ(
      post(c, alice, "/api/admin/queues", R"({"name":"direct","title":"x","min_role":"admin"})")
          .status,
      400u);
  EXPECT_EQ(
      post(c, alice, "/api/admin/queues", R"({"name":"x2","title":"x","min_role":"king"})").status,
      400u);
  auto upd = post(c, alice, "/api/admin/queues/printers", R"({"min_role":"senior"})");
  ASSERT_EQ(upd.status, 200u);
  EXPECT_EQ(upd.json().at("min_role").as_string(), "senior");
  EXPECT_EQ(post(c, alice, "/api/admin/queues/nope", R"({"title":"x"})").status, 404u);

  auto w = get(c, alice, "/api/admin/wizard");
  ASSERT_EQ(w.status, 200u);
  auto def = w.json().at("definition").as_object();
  std::int64_t version = w.json().at("version").as_int64();
  // A broken definition: every problem named by its path, nothing stored.
  auto broken = def;
  broken["pages"].as_array()[0].as_object()["questions"].as_array()[0].as_object()["type"] =
      "radio";
  broken["collectors"].as_array().push_back(json::object{{"id", "webcam"}});
  broken["colour"] = "blue";
  auto bad =
      post(c, alice, "/api/admin/wizard", json::serialize(json::object{{"definition", broken}}));
  ASSERT_EQ(bad.status, 400u);
  auto problems = bad.json().at("problems").as_array();
  ASSERT_GE(problems.size(), 3u) << bad.body;
  std::string all = json::serialize(problems);
  EXPECT_NE(all.find("pages[0].questions[0].type"), std::string::npos) << all;
  EXPECT_NE(all.find("colour"), std::string::npos) << all;
  EXPECT_NE(all.find("collectors[8]"), std::string::npos) << all;
  EXPECT_EQ(get(c, alice, "/api/admin/wizard").json().at("version").as_int64(), version);
  // A collector spec the collector library refuses.
  auto bad_config = def;
  for (auto& spec : bad_config["collectors"].as_array()) {
    if (spec.at("id") == "config") spec.as_object()["files"] = json::array{"/home/ada/.ssh/id_rsa"};
  }
  auto bad2 = post(c, alice, "/api/admin/wizard",
                   json::serialize(json::object{{"definition", bad_config}}));
  EXPECT_EQ(bad2.status, 400u) << bad2.body;
  // A good edit: a new version, which the next customer gets.
  def["title"] = "Edited by the integration test";
  auto good =
      post(c, alice, "/api/admin/wizard", json::serialize(json::object{{"definition", def}}));
  ASSERT_EQ(good.status, 200u) << good.body;
  EXPECT_EQ(good.json().at("version").as_int64(), version + 1);
  customer cust(c, "After edit");
  ASSERT_TRUE(cust.refused.empty()) << cust.refused;
  EXPECT_EQ(cust.server_hello.at("wizard_version").as_int64(), version + 1);
  EXPECT_EQ(cust.server_hello.at("wizard").at("title").as_string(),
            "Edited by the integration test");
}

// --- T3: route inventory ------------------------------------------------------------------

TEST_F(front_door, t3_route_inventory_deny_by_default_and_path_mutations) {
  client c(*server);
  const std::string id(32, 'a');
  // Every front-door route needs a login: 401 without one.
  std::vector<std::pair<http::verb, std::string>> routes = {
      {http::verb::get, "/api/requests"},
      {http::verb::get, "/api/requests/" + id},
      {http::verb::post, "/api/requests/" + id + "/take"},
      {http::verb::post, "/api/requests/" + id + "/transfer"},
      {http::verb::post, "/api/requests/" + id + "/invite"},
      {http::verb::post, "/api/requests/" + id + "/notes"},
      {http::verb::post, "/api/requests/" + id + "/resolve"},
      {http::verb::post, "/api/requests/" + id + "/reopen"},
      {http::verb::get, "/api/codes"},
      {http::verb::post, "/api/codes"},
      {http::verb::get, "/api/admin/queues"},
      {http::verb::post, "/api/admin/queues"},
      {http::verb::post, "/api/admin/queues/general"},
      {http::verb::get, "/api/admin/wizard"},
      {http::verb::post, "/api/admin/wizard"},
  };
  for (auto& [verb, target] : routes) {
    EXPECT_EQ(c.request(verb, target, "{}").status, 401u) << target;
  }
  // Wrong methods: 405 with Allow.
  EXPECT_EQ(c.request(http::verb::delete_, "/api/requests/" + id).status, 405u);
  EXPECT_EQ(c.request(http::verb::get, "/api/requests/" + id + "/take").status, 405u);
  EXPECT_EQ(c.request(http::verb::put, "/api/codes").headers["allow"], "GET, POST");
  // Path mutations never reach a handler: 404 or 400, never 2xx/401.
  auto alice = login(c, "alice");
  for (std::string t : std::vector<std::string>{
           "//api/codes", "/./api/codes", "/api/./codes", "/api/%2e%2e/codes", "/api/codes;p",
           "/api/codes/", "/API/codes", "/api/codes%2f", "/api/requests/" + id + "/take;p",
           "/api/requests/" + id + "//take", "/api/admin/./wizard", "/api/admin/wizard/",
           "/ws/console/", "/ws//console", "/ws/view/" + id + "/..", "/api/requests/../codes"}) {
    for (auto verb : {http::verb::get, http::verb::post}) {
      auto r = c.request(verb, t, "{}", {{"Cookie", alice.cookie}, {"X-CSRF-Token", alice.csrf}});
      EXPECT_TRUE(r.status == 404u || r.status == 400u) << t << " -> " << r.status;
    }
  }
  // No setup endpoint of any kind. (/api/admin/users/NAME is the admin's route for the user
  // NAME: cookie, admin role and CSRF, never a setup: tested in account_integration_test.)
  for (std::string t :
       {"/api/setup", "/api/admin/setup", "/setup", "/api/install", "/api/admin", "/api/admin/"}) {
    EXPECT_EQ(c.request(http::verb::post, t, "{}").status, t.back() == '/' ? 404u : 404u) << t;
    EXPECT_EQ(c.request(http::verb::get, t).status, 404u) << t;
  }
}

// --- T4: CSRF on every new POST -----------------------------------------------------------

TEST_F(front_door, t4_every_new_post_needs_the_csrf_token_and_changes_nothing_without_it) {
  client c(*server);
  auto alice = login(c, "alice");
  customer cust(c, "Csrf");
  ASSERT_TRUE(cust.refused.empty());
  const std::string base = "/api/requests/" + cust.request_id;
  std::vector<std::pair<std::string, std::string>> posts = {
      {base + "/take", "{}"},
      {base + "/transfer", R"({"queue":"senior"})"},
      {base + "/invite", R"({"technician":"bob"})"},
      {base + "/notes", R"({"text":"n"})"},
      {base + "/resolve", R"({"note":"n"})"},
      {base + "/reopen", "{}"},
      {"/api/codes", "{}"},
      {"/api/admin/queues", R"({"name":"csrf-q","title":"x","min_role":"technician"})"},
      {"/api/admin/queues/general", R"({"title":"hijacked"})"},
      {"/api/admin/wizard", R"({"definition":{}})"},
  };
  for (auto& [target, body] : posts) {
    EXPECT_EQ(c.request(http::verb::post, target, body, {{"Cookie", alice.cookie}}).status, 403u)
        << target;
    EXPECT_EQ(c.request(http::verb::post, target, body,
                        {{"Cookie", alice.cookie}, {"X-CSRF-Token", std::string(64, '0')}})
                  .status,
              403u)
        << target;
    EXPECT_EQ(c.request(http::verb::post, target, body,
                        {{"Cookie", alice.cookie},
                         {"X-CSRF-Token", alice.csrf},
                         {"Origin", "https://evil.example"}})
                  .status,
              403u)
        << target;
  }
  // Nothing changed.
  auto d = get(c, alice, base).json();
  EXPECT_EQ(d.at("state").as_string(), "waiting");
  EXPECT_EQ(d.at("queue").as_string(), "general");
  EXPECT_TRUE(d.at("notes").as_array().empty());
  EXPECT_TRUE(get(c, alice, "/api/codes").json().at("codes").as_array().empty());
  json::value queues = get(c, alice, "/api/admin/queues").json();
  for (auto& q : queues.at("queues").as_array()) {
    EXPECT_NE(q.at("name"), "csrf-q");
    EXPECT_NE(q.at("title"), "hijacked");
  }
  EXPECT_EQ(get(c, alice, "/api/admin/wizard").json().at("version").as_int64() >= 1, true);
}

// --- T5: /ws/console Origin and cookie; logout closes it -------------------------------------

TEST_F(front_door, t5_console_feed_needs_our_origin_and_a_cookie_and_logout_closes_it) {
  client c(*server);
  auto bob = login(c, "bob");
  std::size_t from = server->log().size();
  EXPECT_EQ(
      ws_client(c, "/ws/console", {{"Cookie", bob.cookie}, {"Origin", "https://evil.example"}})
          .status,
      403u);
  EXPECT_EQ(ws_client(c, "/ws/console", {{"Cookie", bob.cookie}}).status, 403u);
  EXPECT_EQ(ws_client(c, "/ws/console", {{"Cookie", bob.cookie}, {"Origin", "null"}}).status, 403u);
  EXPECT_EQ(ws_client(c, "/ws/console", {{"Origin", c.origin()}}).status, 401u);
  EXPECT_TRUE(server->wait_for_log("path=/ws/console reason=bad_origin origin=(none)", from));
  console_client feed(c, bob);
  ASSERT_EQ(feed.ws.status, 101u);
  EXPECT_EQ(feed.next().at("event").as_string(), "snapshot");
  // A console that speaks is closed.
  {
    console_client chatty(c, bob);
    ASSERT_EQ(chatty.next().at("event").as_string(), "snapshot");
    chatty.ws.send_json(message_type::hello, R"({"protocol":1})");
    auto r = chatty.ws.read_until(message_type::close_reason);
    ASSERT_TRUE(r);
    EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "protocol_error");
  }
  auto t0 = std::chrono::steady_clock::now();
  ASSERT_EQ(post(c, bob, "/api/logout").status, 204u);
  auto r = feed.ws.read_until(message_type::close_reason);
  ASSERT_TRUE(r);
  EXPECT_EQ(json::parse(r->text()).at("code").as_string(), "unauthorized");
  EXPECT_LT(std::chrono::steady_clock::now() - t0, 5s);
}

// --- T9: nobody joins a session they were not given; listings leak nothing ------------------

TEST_F(front_door, t9_only_given_technicians_open_a_session_and_listings_hold_no_secrets) {
  client c(*server);
  auto bob = login(c, "bob");
  auto carol = login(c, "carol");
  auto dave = login(c, "dave");
  customer cust(c, "Given");
  ASSERT_TRUE(cust.refused.empty());
  ASSERT_TRUE(cust.frame_acked(3));
  const std::string target = "/ws/view/" + cust.request_id;
  auto view = [&](const login_t& l, const std::string& t) {
    return ws_client(c, t, {{"Cookie", l.cookie}, {"Origin", c.origin()}}).status;
  };
  EXPECT_EQ(view(bob, target), 404u) << "waiting: nobody was given it yet";
  ASSERT_EQ(post(c, bob, "/api/requests/" + cust.request_id + "/take").status, 200u);
  auto unknown = c.request(http::verb::get, "/ws/view/" + std::string(32, 'b'), {},
                           {{"Cookie", carol.cookie},
                            {"Origin", c.origin()},
                            {"Connection", "Upgrade"},
                            {"Upgrade", "websocket"},
                            {"Sec-WebSocket-Version", "13"},
                            {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  auto not_given = c.request(http::verb::get, target, {},
                             {{"Cookie", carol.cookie},
                              {"Origin", c.origin()},
                              {"Connection", "Upgrade"},
                              {"Upgrade", "websocket"},
                              {"Sec-WebSocket-Version", "13"},
                              {"Sec-WebSocket-Key", "dGhlIHNhbXBsZSBub25jZQ=="}});
  EXPECT_EQ(not_given.status, 404u);
  EXPECT_EQ(not_given.status, unknown.status);
  EXPECT_EQ(not_given.body, unknown.body) << "indistinguishable from an unknown id";
  EXPECT_EQ(view(bob, target), 101u) << "the technician who took it";
  EXPECT_EQ(view(dave, target), 101u) << "a senior";
  ASSERT_EQ(
      post(c, bob, "/api/requests/" + cust.request_id + "/invite", R"({"technician":"carol"})")
          .status,
      204u);
  EXPECT_EQ(view(carol, target), 101u) << "invited";
  // Listings: no tokens, hashes or codes of others.
  ASSERT_EQ(post(c, bob, "/api/codes").status, 201u);
  for (auto& l : {bob, carol, dave}) {
    for (std::string t :
         std::vector<std::string>{"/api/requests", "/api/requests/" + cust.request_id}) {
      auto body = get(c, l, t).body;
      for (std::string secret :
           std::vector<std::string>{"resume", "token", "hash",
                                    std::string(cust.filed_json.at("resume_token").as_string())}) {
        EXPECT_EQ(body.find(secret), std::string::npos) << t << " leaks " << secret;
      }
    }
  }
  EXPECT_EQ(get(c, bob, "/api/codes").json().at("codes").as_array().size(), 1u);
  EXPECT_TRUE(get(c, carol, "/api/codes").json().at("codes").as_array().empty());
  console_client feed(c, carol);
  auto snap = json::serialize(feed.next());
  EXPECT_EQ(snap.find("token"), std::string::npos);
  EXPECT_EQ(snap.find("hash"), std::string::npos);
}

// --- T12: hostile strings byte-exact; the server never spawns a process -------------------

std::vector<int> children_of(pid_t pid) {
  std::vector<int> out;
  std::string dir = "/proc/" + std::to_string(pid) + "/task";
  DIR* d = opendir(dir.c_str());
  if (!d) return out;
  while (auto* e = readdir(d)) {
    if (e->d_name[0] == '.') continue;
    std::ifstream f(dir + "/" + e->d_name + "/children");
    int child;
    while (f >> child) out.push_back(child);
  }
  closedir(d);
  return out;
}

TEST_F(front_door, t12_hostile_strings_are_stored_byte_exact_and_nothing_is_ever_run) {
  std::atomic<bool> done{false};
  std::atomic<int> samples{0}, with_children{0};
  std::thread watcher([&] {
    while (!done) {
      if (!children_of(server->pid()).empty()) ++with_children;
      ++samples;
      std::this_thread::sleep_for(2ms);
    }
  });
  std::string marker = "/tmp/visit-t12-" + std::to_string(std::random_device{}());
  std::vector<std::string> hostile = {
      "Robert'); DROP TABLE support_requests;--",
      "\"quotes\" and 'single' and \\backslash",
      "$(touch " + marker + ") `touch " + marker + "` ; touch " + marker,
      "<script>alert(1)</script><img src=x onerror=alert(2)>",
      "\xF0\x9F\x98\x80 emoji \xF0\x9D\x84\x9E clef and \xE2\x80\xAE right-to-left",
      "%s%n%x {{7*7}} ${7*7}",
  };
  const std::string controls = std::string("bell\a esc\x1b[31m del\x7f vt\v ff\f cr\r bs\b", 34);
  client c(*server);
  auto alice = login(c, "alice");
  for (const auto& s : hostile) {
    std::string summary = s.substr(0, 200);
    customer cust(
        c, s, json::object{{"topic", "other"}, {"summary", summary}, {"details", s + "\n" + s}});
    ASSERT_TRUE(cust.refused.empty()) << cust.refused;
    auto d = get(c, alice, "/api/requests/" + cust.request_id);
    ASSERT_EQ(d.status, 200u);
    EXPECT_EQ(d.headers["content-type"], "application/json");
    auto j = d.json();
    EXPECT_EQ(j.at("name").as_string(), s);
    EXPECT_EQ(j.at("summary").as_string(), summary);
    bool found = false;
    for (auto& a : j.at("answers").as_array()) {
      if (a.at("id") == "details") {
        found = true;
        EXPECT_EQ(a.at("value").as_string(), s + "\n" + s);
      }
    }
    EXPECT_TRUE(found);
    ASSERT_EQ(post(c, alice, "/api/requests/" + cust.request_id + "/notes",
                   json::serialize(json::object{{"text", s + controls}}))
                  .status,
              201u);
    auto notes = get(c, alice, "/api/requests/" + cust.request_id).json().at("notes").as_array();
    ASSERT_EQ(notes.size(), 1u);
    EXPECT_EQ(notes[0].at("text").as_string(), s + controls);
  }
  // Collected data carries any JSON, control characters included, back byte-exact.
  {
    customer probe(c, "Collected probe");
    ASSERT_TRUE(probe.refused.empty());
    ws_client ws(c, "/ws/customer", {});
    auto h = hello(ws);
    ASSERT_TRUE(h && h->type == message_type::hello);
    auto request = probe.request_for(
        "Collected",
        customer::default_answers(probe.server_hello.at("wizard").as_object(), "Collected"));
    json::object data;
    for (std::size_t i = 0; i < hostile.size(); ++i) data["k" + std::to_string(i)] = hostile[i];
    data["controls"] = controls;
    request["collected"].as_object()["os"] = json::object{{"status", "ok"}, {"data", data}};
    ws.send_json(protocol::request_type::support_request, json::serialize(request));
    auto filed = ws.read();
    ASSERT_TRUE(filed && filed->type == protocol::request_type::request_filed) << filed->text();
    std::string id(json::parse(filed->text()).at("request_id").as_string());
    auto got = get(c, alice, "/api/requests/" + id).json().at("collected").at("os").at("data");
    EXPECT_EQ(got, json::value(data));
    EXPECT_EQ(got.at("controls").as_string(), controls);
  }
  done = true;
  watcher.join();
  EXPECT_FALSE(std::filesystem::exists(marker)) << "a hostile string was run";
  EXPECT_GT(samples.load(), 10);
  EXPECT_EQ(with_children.load(), 0) << "the server spawned a child process";
}

// --- T7: session codes against guessing -------------------------------------------------------

TEST(front_door_codes, t7_ten_thousand_guesses_from_many_addresses_never_hit_100_live_codes) {
  constexpr int technicians = 20;
  server_process server({"--max-connections-per-address", "64"}, front_door_data_dir(technicians));
  client admin(server);
  // 100 live codes: 5 for each of 20 technicians.
  std::set<std::string> live;
  std::vector<login_t> logins;
  for (int t = 0; t < technicians; ++t) {
    logins.push_back(login(admin, "t" + std::to_string(t)));
    for (int i = 0; i < 5; ++i) {
      auto before = std::chrono::duration_cast<std::chrono::seconds>(
                        std::chrono::system_clock::now().time_since_epoch())
                        .count();
      auto r = post(admin, logins.back(), "/api/codes");
      ASSERT_EQ(r.status, 201u) << r.body;
      std::string code(r.json().at("code").as_string());
      // Within 10 minutes of the request (+1 s for the two processes' second boundaries; the
      // exact bound is proven with an injected clock in codes_test).
      EXPECT_LE(r.json().at("expires_at").as_int64() - before, 601)
          << "codes expire within 10 minutes";
      code.erase(std::remove(code.begin(), code.end(), ' '), code.end());
      live.insert(code);
    }
    EXPECT_EQ(post(admin, logins.back(), "/api/codes").status, 409u) << "at most 5 live";
  }
  ASSERT_EQ(live.size(), 100u);

  // 10^4 guesses from 1000 source addresses (127.1.x.y), 4 workers in parallel.
  constexpr int guesses = 10000, addresses = 1000, workers = 4;
  std::atomic<int> next{0}, hits{0}, refused{0}, other{0};
  auto t0 = std::chrono::steady_clock::now();
  std::vector<std::thread> pool;
  for (int w = 0; w < workers; ++w) {
    pool.emplace_back([&, w] {
      std::mt19937_64 rng(static_cast<std::uint64_t>(w) * 7919 + 17);
      std::uniform_int_distribution<int> digit(0, 999999999);
      client cl(server);
      for (int i; (i = next++) < guesses;) {
        int a = i % addresses;
        cl.local_address = "127.1." + std::to_string(a / 250) + "." + std::to_string(a % 250 + 1);
        char buf[16];
        std::snprintf(buf, sizeof buf, "%09d", digit(rng));
        std::string code = buf;
        if (live.count(code)) continue;  // never knowingly guess a real one
        ws_client ws(cl, "/ws/customer", {});
        if (ws.status != 101) {
          ++other;
          continue;
        }
        auto r = hello(ws, json::object{{"code", code}});
        auto verdict = close_code_of(r);
        if (r && r->type == message_type::hello) {
          ++hits;
        } else if (verdict == "code_refused") {
          ++refused;
        } else {
          ++other;
        }
      }
    });
  }
  for (auto& t : pool) t.join();
  auto elapsed = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  std::cout << "T7: " << guesses << " guesses in " << elapsed << " s, hits " << hits << ", refused "
            << refused << ", other " << other << "\n";
  EXPECT_EQ(hits.load(), 0);
  EXPECT_EQ(other.load(), 0);
  EXPECT_GE(refused.load(), guesses - 5);
  // The budgets tripped: at most 200 failed lookups plus the fresh-address allowance.
  std::string log = server.log();
  auto count = [&](const std::string& needle) {
    std::size_t n = 0;
    for (auto p = log.find(needle); p != std::string::npos; p = log.find(needle, p + 1)) ++n;
    return n;
  };
  std::size_t looked = count("reason=no_live_code"), over = count("reason=over_budget");
  std::cout << "T7: lookups that failed " << looked << ", refused over budget " << over << "\n";
  EXPECT_LE(looked, 200u + 10u + static_cast<std::size_t>(elapsed / 3.0) + 1u);
  EXPECT_GE(over, static_cast<std::size_t>(guesses) - looked - 5);
  // Every answer looked the same: one close_reason text for every refusal reason.
  EXPECT_EQ(count("the session code was not accepted"), 0u) << "the message is not logged";

  // A real customer with a real code, from a fresh address, still pairs (the fresh-address
  // allowance refills one lookup every 3 s).
  std::this_thread::sleep_for(3500ms);
  client legit(server);
  legit.local_address = "127.2.0.1";
  std::string real = *live.begin();
  {
    ws_client ws(legit, "/ws/customer", {});
    auto r = hello(ws, json::object{{"code", real.substr(0, 3) + "-" + real.substr(3, 3) + " " +
                                                 real.substr(6)}});
    ASSERT_TRUE(r);
    ASSERT_EQ(r->type, message_type::hello) << r->text();
    auto paired = json::parse(r->text()).at("paired_with");
    EXPECT_TRUE(paired.at("id").as_string().starts_with("t"));
  }
  // Single use: the same code again, from another fresh address, is refused.
  std::this_thread::sleep_for(3500ms);
  legit.local_address = "127.2.0.2";
  ws_client again(legit, "/ws/customer", {});
  EXPECT_EQ(close_code_of(hello(again, json::object{{"code", real}})), "code_refused");
}

TEST(front_door_codes, a_code_pairs_the_customer_with_its_technician_directly) {
  server_process server({}, front_door_data_dir());
  client c(server);
  auto bob = login(c, "bob");
  auto carol = login(c, "carol");
  auto made = post(c, bob, "/api/codes");
  ASSERT_EQ(made.status, 201u);
  std::string code(made.json().at("code").as_string());
  ASSERT_EQ(get(c, bob, "/api/codes").json().at("codes").as_array()[0].at("code").as_string(),
            code);
  customer cust(c, "Paired", {}, code);
  ASSERT_TRUE(cust.refused.empty()) << cust.refused;
  EXPECT_EQ(cust.server_hello.at("paired_with").at("id").as_string(), "bob");
  EXPECT_EQ(cust.filed_json.at("queue").as_string(), "direct");
  EXPECT_EQ(cust.filed_json.at("technician").at("id").as_string(), "bob");
  auto row = find_in_list(c, bob, cust.request_id);
  ASSERT_FALSE(row.empty());
  EXPECT_TRUE(row.at("via_code").as_bool());
  EXPECT_EQ(row.at("state").as_string(), "waiting");
  EXPECT_TRUE(find_in_list(c, carol, cust.request_id).empty()) << "direct: only its technician";
  EXPECT_EQ(post(c, carol, "/api/requests/" + cust.request_id + "/take").status, 404u);
  EXPECT_EQ(post(c, bob, "/api/requests/" + cust.request_id + "/take").status, 200u);
  EXPECT_TRUE(get(c, bob, "/api/codes").json().at("codes").as_array().empty()) << "used";
  customer reuse(c, "Reuse", {}, code);
  EXPECT_FALSE(reuse.refused.empty());
  EXPECT_EQ(json::parse(reuse.refused).at("code").as_string(), "code_refused");
  customer wrong(c, "Wrong", {}, std::string("12345678"));
  EXPECT_EQ(json::parse(wrong.refused).at("code").as_string(), "code_refused");
  EXPECT_EQ(json::parse(wrong.refused).at("message"), json::parse(reuse.refused).at("message"))
      << "the same answer whatever the reason";
}

}  // namespace
}  // namespace visit::server
