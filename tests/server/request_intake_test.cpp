// request_intake without sockets: validation against the wizard version a request names,
// routing (wizard queue, unknown queue, session code), resume, and what reaches the store.
#include "server/live/request_intake.hpp"

#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>

#include "server/auth/crypto_helpers.hpp"
#include "server/store/store.hpp"
#include "wizard/wizard.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;
namespace json = boost::json;
using protocol::close_code;

class intake_test : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir = fs::temp_directory_path() / ("visit-intake-" + random_hex(8));
    fs::create_directories(dir);
    db = std::make_unique<store>(dir / "visit.db");
    auto v = db->add_wizard(json::serialize(wizard::default_definition()), "test", now);
    ASSERT_TRUE(v);
    version = *v;
  }
  void TearDown() override {
    db.reset();
    fs::remove_all(dir);
  }

  json::object request(std::string topic, std::int64_t wizard_version = 0) {
    return json::object{{"wizard_version", wizard_version ? wizard_version : version},
                        {"name", "Ada Lovelace"},
                        {"answers", json::object{{"topic", topic}, {"summary", "It is broken"}}},
                        {"collected", json::object{}}};
  }
  intake_result file(const json::object& o, const intake_context& context = {}) {
    return file_support_request(*db, json::serialize(o), context, now);
  }
  static filed_request filed(const intake_result& r) {
    if (const auto* no = std::get_if<intake_refusal>(&r)) {
      ADD_FAILURE() << "refused: " << no->what << " " << no->message;
      return {};
    }
    return std::get<filed_request>(r);
  }
  static intake_refusal refused(const intake_result& r) {
    if (const auto* no = std::get_if<intake_refusal>(&r)) return *no;
    ADD_FAILURE() << "filed " << std::get<filed_request>(r).id;
    return {};
  }
  std::size_t stored() { return db->list_requests(0, 1000).size(); }

  fs::path dir;
  std::unique_ptr<store> db;
  std::int64_t now = 1'700'000'000;
  std::int64_t version = 0;
};

TEST_F(intake_test, a_valid_request_is_stored_and_request_filed_carries_id_queue_and_token) {
  auto f = filed(file(request("printing")));
  ASSERT_EQ(f.id.size(), 32u);
  EXPECT_FALSE(f.resumed);
  EXPECT_EQ(f.queue, "general");
  EXPECT_FALSE(f.technician);
  EXPECT_EQ(f.name, "Ada Lovelace");
  EXPECT_EQ(f.summary, "It is broken");
  auto payload = json::parse(f.request_filed_json).as_object();
  EXPECT_EQ(payload.at("request_id").as_string(), f.id);
  EXPECT_EQ(payload.at("queue").as_string(), "general");
  EXPECT_TRUE(payload.at("technician").is_null());
  std::string token(payload.at("resume_token").as_string());
  EXPECT_TRUE(is_lower_hex(token, 32));
  EXPECT_TRUE(db->resume_matches(f.id, sha256_hex(token))) << "only the token's hash is stored";

  auto rec = db->find_request(f.id);
  ASSERT_TRUE(rec);
  EXPECT_EQ(rec->state, "waiting");
  EXPECT_EQ(rec->topic, "printing");
  EXPECT_EQ(rec->wizard_version, version);
  EXPECT_EQ(json::parse(rec->answers_json).at("topic").as_string(), "printing");
  auto events = db->list_events(f.id);
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].what, "filed in general");
}

TEST_F(intake_test, requests_that_break_their_wizard_version_are_refused_and_nothing_is_stored) {
  auto r = refused(file_support_request(*db, "[1, 2]", {}, now));
  EXPECT_EQ(r.code, close_code::invalid_request);
  EXPECT_EQ(r.what, "invalid_request");
  EXPECT_EQ(r.message, "support_request: not a JSON object");

  r = refused(file_support_request(*db, "{\"name\":\"\xff\"}", {}, now));
  EXPECT_EQ(r.message, "support_request: not valid UTF-8");

  r = refused(file(request("printing", version + 7)));
  EXPECT_EQ(r.code, close_code::invalid_request);
  EXPECT_EQ(r.message, "wizard_version: not a version this server has");

  auto no_version = request("printing");
  no_version.erase("wizard_version");
  EXPECT_EQ(refused(file(no_version)).message, "wizard_version: not a version this server has");

  r = refused(file(request("not-an-option")));
  EXPECT_EQ(r.code, close_code::invalid_request);
  EXPECT_EQ(r.message.rfind("answers.topic: ", 0), 0u) << r.message;

  auto no_name = request("printing");
  no_name.erase("name");
  EXPECT_NE(refused(file(no_name)).message.find("name"), std::string::npos);

  EXPECT_EQ(stored(), 0u);
}

TEST_F(intake_test, a_long_list_of_problems_is_cut_to_1000_bytes) {
  auto o = request("printing");
  json::object collected;
  for (int i = 0; i < 200; ++i) collected["no_such_collector_" + std::to_string(i)] = 1;
  o["collected"] = collected;
  auto r = refused(file(o));
  ASSERT_GT(r.message.size(), 1000u);
  EXPECT_EQ(r.message.size(), 1003u);
  EXPECT_EQ(r.message.substr(1000), "...");
}

TEST_F(intake_test, the_request_is_checked_against_the_version_it_names_not_the_newest) {
  // Version 2 drops "printing" from the topics; a request made with version 1 still files.
  auto def = wizard::default_definition();
  auto& options = def["pages"]
                      .as_array()[0]
                      .as_object()["questions"]
                      .as_array()[0]
                      .as_object()["options"]
                      .as_array();
  options.erase(options.begin() + 1);
  auto v2 = db->add_wizard(json::serialize(def), "test", now);
  ASSERT_TRUE(v2);
  EXPECT_FALSE(std::holds_alternative<filed_request>(file(request("printing", *v2))));
  auto f = filed(file(request("printing", version)));
  EXPECT_EQ(db->find_request(f.id)->wizard_version, version);
}

TEST_F(intake_test, routing_follows_the_wizard_and_falls_back_to_general) {
  EXPECT_EQ(filed(file(request("security"))).queue, "senior");
  EXPECT_EQ(filed(file(request("network"))).queue, "general");

  // An option naming a queue the server does not have routes to "general".
  auto def = wizard::default_definition();
  def["pages"]
      .as_array()[0]
      .as_object()["questions"]
      .as_array()[0]
      .as_object()["options"]
      .as_array()[0]
      .as_object()["queue"] = "nobody_here";
  auto v2 = db->add_wizard(json::serialize(def), "test", now);
  ASSERT_TRUE(v2);
  auto f = filed(file(request("login", *v2)));
  EXPECT_EQ(f.queue, "general");
  EXPECT_EQ(db->find_request(f.id)->queue, "general");
}

TEST_F(intake_test, a_session_code_sends_the_request_straight_to_its_technician) {
  intake_context paired;
  paired.paired_technician = "bob";
  auto f = filed(file(request("security"), paired));
  EXPECT_EQ(f.queue, "direct") << "the code wins over the wizard's route";
  ASSERT_TRUE(f.technician);
  EXPECT_EQ(*f.technician, "bob");
  auto payload = json::parse(f.request_filed_json).as_object();
  EXPECT_EQ(payload.at("technician").at("id").as_string(), "bob");
  auto rec = db->find_request(f.id);
  ASSERT_TRUE(rec);
  EXPECT_TRUE(rec->via_code);
  EXPECT_EQ(rec->technician, "bob");
  EXPECT_EQ(db->list_events(f.id).at(0).what, "filed with a session code");
}

TEST_F(intake_test, matching_resume_credentials_reopen_the_old_request_with_its_token) {
  auto first = filed(file(request("security")));
  std::string token(json::parse(first.request_filed_json).at("resume_token").as_string());
  ASSERT_TRUE(db->set_request_state(first.id, "abandoned", now + 1));

  intake_context resume;
  resume.resume_id = first.id;
  resume.resume_token = token;
  auto again = request("printing");
  again["name"] = "Someone Else";
  auto f = filed(file(again, resume));
  EXPECT_TRUE(f.resumed);
  EXPECT_EQ(f.id, first.id);
  EXPECT_EQ(f.queue, "senior") << "the old request's queue, not the new answers' route";
  EXPECT_EQ(f.name, "Ada Lovelace") << "the old request's name";
  auto payload = json::parse(f.request_filed_json).as_object();
  EXPECT_EQ(payload.at("request_id").as_string(), first.id);
  EXPECT_EQ(payload.at("resume_token").as_string(), token);
  EXPECT_EQ(db->find_request(first.id)->state, "waiting") << "abandoned -> waiting";
  EXPECT_EQ(db->list_events(first.id).back().what, "resumed");
  EXPECT_EQ(stored(), 1u);
}

TEST_F(intake_test, wrong_or_resolved_resume_credentials_file_a_new_request) {
  auto first = filed(file(request("printing")));
  std::string token(json::parse(first.request_filed_json).at("resume_token").as_string());

  intake_context wrong;
  wrong.resume_id = first.id;
  wrong.resume_token = std::string(32, '0');
  auto other = filed(file(request("printing"), wrong));
  EXPECT_FALSE(other.resumed);
  EXPECT_NE(other.id, first.id);

  ASSERT_TRUE(db->resolve_request(first.id, now + 1));
  intake_context resolved;
  resolved.resume_id = first.id;
  resolved.resume_token = token;
  auto third = filed(file(request("printing"), resolved));
  EXPECT_FALSE(third.resumed);
  EXPECT_NE(third.id, first.id);
  EXPECT_EQ(db->find_request(first.id)->state, "resolved");
  EXPECT_EQ(stored(), 3u);
}

}  // namespace
}  // namespace visit::server
