// The SQLite store: migrations, users, support requests, hostile strings byte-exact.
#include "server/store/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "server/auth/crypto_helpers.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;

class store_test : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir = fs::temp_directory_path() / ("visit-store-" + random_hex(8));
    fs::create_directories(dir);
  }
  void TearDown() override { fs::remove_all(dir); }
  fs::path dir;
};

TEST_F(store_test, migrates_a_new_database_and_reopens_it) {
  {
    store db(dir / "visit.db");
    EXPECT_EQ(db.schema_version(), store::current_schema_version);
    EXPECT_EQ(db.add_user("alice", "admin", "$argon2id$x", 1), store::add_result::added);
  }
  store again(dir / "visit.db");
  EXPECT_EQ(again.schema_version(), store::current_schema_version);
  EXPECT_EQ(again.user_count(), 1);
  // WAL journal and synchronous=FULL are in force.
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "visit.db").c_str(), &raw), SQLITE_OK);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(raw, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
  sqlite3_close(raw);
}

TEST_F(store_test, refuses_a_database_from_a_newer_server) {
  { store db(dir / "visit.db"); }
  sqlite3* raw = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "visit.db").c_str(), &raw), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(raw, "UPDATE schema_version SET version = 99", nullptr, nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(raw);
  EXPECT_THROW(store(dir / "visit.db"), std::runtime_error);
}

TEST_F(store_test, users_are_unique_and_found_by_exact_name) {
  store db(dir / "visit.db");
  EXPECT_EQ(db.add_user("alice", "admin", "h1", 10), store::add_result::added);
  EXPECT_EQ(db.add_user("alice", "technician", "h2", 11), store::add_result::duplicate);
  EXPECT_EQ(db.add_user("bob", "wizard", "h3", 12), store::add_result::failed);  // CHECK(role)
  auto u = db.find_user("alice");
  ASSERT_TRUE(u);
  EXPECT_EQ(u->role, "admin");
  EXPECT_EQ(u->password_hash, "h1");
  EXPECT_EQ(u->created_at, 10);
  EXPECT_FALSE(db.find_user("Alice"));
  EXPECT_FALSE(db.find_user("alice' OR '1'='1"));
  EXPECT_EQ(db.user_count(), 1);
}

TEST_F(store_test, requests_get_random_ids_and_move_through_their_states) {
  store db(dir / "visit.db");
  auto a = db.create_request("Ada", "printer", 100);
  auto b = db.create_request("Bob", "", 101);
  ASSERT_TRUE(a && b);
  EXPECT_EQ(a->size(), 32u);
  EXPECT_TRUE(is_lower_hex(*a, 32));
  EXPECT_NE(*a, *b);
  EXPECT_EQ(db.find_request(*a)->state, "waiting");
  EXPECT_EQ(db.find_request(*a)->queue, "general");
  std::string holder;
  EXPECT_EQ(db.take_request(*a, "bob", 102, &holder), store::take_result::taken);
  EXPECT_EQ(db.take_request(*a, "carol", 102, &holder), store::take_result::already_taken);
  EXPECT_EQ(holder, "bob");
  auto r = db.find_request(*a);
  EXPECT_EQ(r->state, "in_session");
  EXPECT_EQ(r->technician, "bob");
  EXPECT_EQ(r->taken_at, 102);
  EXPECT_FALSE(db.set_request_state(*a, "ended", 103)) << "only a waiting request is abandoned";
  EXPECT_TRUE(db.resolve_request(*a, 104));
  r = db.find_request(*a);
  EXPECT_EQ(r->state, "resolved");
  EXPECT_EQ(r->resolved_at, 104);
  EXPECT_FALSE(db.set_request_state(*a, "waiting", 105)) << "resolved changes only by reopen";
  EXPECT_FALSE(db.set_request_state(*a, "bogus", 105));
  EXPECT_TRUE(db.reopen_request(*a, 106));
  r = db.find_request(*a);
  EXPECT_EQ(r->state, "waiting");
  EXPECT_FALSE(r->technician) << "back in its queue";
  EXPECT_TRUE(db.resolve_request(*a, 107));
  // Listing: open ones and recently ended ones, newest first.
  auto list = db.list_requests(107, 10);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, *b);
  EXPECT_EQ(db.list_requests(108, 10).size(), 1u);
  EXPECT_EQ(db.end_open_requests(200), 1);
  EXPECT_EQ(db.find_request(*b)->state, "abandoned");
  EXPECT_EQ(db.take_request(*b, "bob", 201, &holder), store::take_result::not_waiting);
  EXPECT_EQ(db.take_request(std::string(32, 'f'), "bob", 201, &holder),
            store::take_result::missing);
}

TEST_F(store_test, migration_2_keeps_version_1_rows_and_maps_ended_to_abandoned) {
  {
    sqlite3* raw = nullptr;
    ASSERT_EQ(sqlite3_open((dir / "visit.db").c_str(), &raw), SQLITE_OK);
    const char* v1 = R"sql(
      CREATE TABLE schema_version(version INTEGER NOT NULL);
      INSERT INTO schema_version(version) VALUES(1);
      CREATE TABLE users(id INTEGER PRIMARY KEY, username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'senior', 'technician')),
        password_hash TEXT NOT NULL, created_at INTEGER NOT NULL);
      CREATE TABLE support_requests(id TEXT PRIMARY KEY, name TEXT NOT NULL,
        description TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'in_session', 'ended')),
        created_at INTEGER NOT NULL, ended_at INTEGER);
      CREATE INDEX support_requests_by_state ON support_requests(state, created_at);
      INSERT INTO users(username, role, password_hash, created_at) VALUES('alice','admin','h',1);
      INSERT INTO support_requests VALUES('0123456789abcdef0123456789abcdef','Ada','printer',
        'ended', 10, 20);
      INSERT INTO support_requests VALUES('fedcba9876543210fedcba9876543210','Bob','mail',
        'waiting', 30, NULL);
    )sql";
    ASSERT_EQ(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  store db(dir / "visit.db");
  EXPECT_EQ(db.schema_version(), store::current_schema_version);
  EXPECT_EQ(db.user_count(), 1);
  auto a = db.find_request("0123456789abcdef0123456789abcdef");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->state, "abandoned");
  EXPECT_EQ(a->summary, "printer");
  EXPECT_EQ(a->ended_at, 20);
  EXPECT_EQ(a->queue, "general");
  EXPECT_EQ(db.find_request("fedcba9876543210fedcba9876543210")->state, "waiting");
  auto queues = db.list_queues();
  ASSERT_EQ(queues.size(), 2u);
  EXPECT_EQ(queues[0].name, "general");
  EXPECT_EQ(queues[0].min_role, "technician");
  EXPECT_EQ(queues[1].name, "senior");
  EXPECT_EQ(queues[1].min_role, "senior");
  EXPECT_FALSE(db.current_wizard());
}

TEST_F(store_test, notes_events_invites_queues_wizards_and_codes) {
  store db(dir / "visit.db");
  new_request nr;
  nr.name = "Ada";
  nr.summary = "printer prints blank pages";
  nr.topic = "printing";
  nr.queue = "direct";
  nr.technician = "bob";
  nr.via_code = true;
  nr.answers_json = R"({"topic":"printing"})";
  nr.collected_json = R"({"os":{"status":"left_out"}})";
  nr.wizard_version = 3;
  nr.resume_token_hash = sha256_hex("token");
  auto id = db.create_request(nr, 50);
  ASSERT_TRUE(id);
  auto r = db.find_request(*id);
  EXPECT_EQ(r->queue, "direct");
  EXPECT_EQ(r->technician, "bob");
  EXPECT_TRUE(r->via_code);
  EXPECT_EQ(r->answers_json, nr.answers_json);
  EXPECT_EQ(r->collected_json, nr.collected_json);
  EXPECT_EQ(r->wizard_version, 3);
  EXPECT_TRUE(db.resume_matches(*id, sha256_hex("token")));
  EXPECT_FALSE(db.resume_matches(*id, sha256_hex("other")));
  std::string holder;
  EXPECT_EQ(db.take_request(*id, "carol", 51, &holder), store::take_result::already_taken)
      << "a direct request is taken only by its technician";
  EXPECT_EQ(holder, "bob");
  EXPECT_EQ(db.take_request(*id, "bob", 52, &holder), store::take_result::taken);

  EXPECT_TRUE(db.add_note(*id, "bob", "called back", 60));
  EXPECT_EQ(db.note_count(*id), 1);
  EXPECT_EQ(db.list_notes(*id)[0].text, "called back");
  EXPECT_TRUE(db.add_event(*id, "bob", "take", 61));
  EXPECT_EQ(db.list_events(*id).size(), 1u);
  EXPECT_FALSE(db.is_invited(*id, "carol"));
  EXPECT_TRUE(db.add_invite(*id, "carol", "bob", 62));
  EXPECT_TRUE(db.add_invite(*id, "carol", "bob", 63)) << "inviting twice is harmless";
  EXPECT_TRUE(db.is_invited(*id, "carol"));

  EXPECT_EQ(db.add_queue({"printers", "Printers", "technician"}), store::add_result::added);
  EXPECT_EQ(db.add_queue({"printers", "Again", "technician"}), store::add_result::duplicate);
  EXPECT_EQ(db.add_queue({"x", "X", "king"}), store::add_result::failed);
  EXPECT_TRUE(db.update_queue({"printers", "Printing", "senior"}));
  EXPECT_EQ(db.find_queue("printers")->min_role, "senior");
  EXPECT_TRUE(db.move_to_queue(*id, "printers", 70));
  r = db.find_request(*id);
  EXPECT_EQ(r->queue, "printers");
  EXPECT_EQ(r->state, "waiting");
  EXPECT_FALSE(r->technician);

  EXPECT_FALSE(db.current_wizard());
  EXPECT_EQ(db.add_wizard("{\"a\":1}", "alice", 80), 1);
  EXPECT_EQ(db.add_wizard("{\"a\":2}", "alice", 81), 2);
  EXPECT_EQ(db.current_wizard()->version, 2);
  EXPECT_EQ(db.find_wizard(1)->json, "{\"a\":1}");

  EXPECT_TRUE(db.add_code("h1", "bob", 100, 700));
  EXPECT_EQ(db.live_code_count("bob", 100), 1);
  EXPECT_FALSE(db.consume_code("h1", 700)) << "expired at expires_at";
  EXPECT_EQ(db.consume_code("h1", 699), "bob");
  EXPECT_FALSE(db.consume_code("h1", 699)) << "single use";
  EXPECT_EQ(db.live_code_count("bob", 100), 0);
}

TEST_F(store_test, hostile_strings_are_stored_byte_exact) {
  store db(dir / "visit.db");
  const std::string hostile[] = {
      "Robert'); DROP TABLE users;--", "<script>alert(1)</script>",
      std::string("nul\0inside", 10),  "\xF0\x9F\x98\x80 emoji and \"quotes\" and \\backslash",
      "%s%n%x $(reboot) `id`",         std::string(2048, 'x'),
  };
  for (const auto& s : hostile) {
    auto id = db.create_request(s, s, 1);
    ASSERT_TRUE(id);
    auto r = db.find_request(*id);
    ASSERT_TRUE(r);
    EXPECT_EQ(r->name, s);
    EXPECT_EQ(r->description, s);
    EXPECT_EQ(db.add_user(s, "technician", s, 1), store::add_result::added);
    auto u = db.find_user(s);
    ASSERT_TRUE(u);
    EXPECT_EQ(u->username, s);
    EXPECT_EQ(u->password_hash, s);
  }
  EXPECT_EQ(db.user_count(), static_cast<std::int64_t>(std::size(hostile)));
}

}  // namespace
}  // namespace visit::server
