// The SQLite store: migrations, users, support requests, hostile strings byte-exact.
#include "server/store.hpp"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <filesystem>

#include "server/crypto_helpers.hpp"

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
  EXPECT_TRUE(db.set_request_state(*a, "in_session", 102));
  EXPECT_EQ(db.find_request(*a)->state, "in_session");
  EXPECT_TRUE(db.set_request_state(*a, "ended", 103));
  auto r = db.find_request(*a);
  EXPECT_EQ(r->state, "ended");
  EXPECT_EQ(r->ended_at, 103);
  EXPECT_FALSE(db.set_request_state(*a, "waiting", 104)) << "ended is final";
  EXPECT_FALSE(db.set_request_state(*a, "bogus", 104));
  // Listing: open ones and recently ended ones, newest first.
  auto list = db.list_requests(103, 10);
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].id, *b);
  EXPECT_EQ(db.list_requests(104, 10).size(), 1u);
  EXPECT_EQ(db.end_open_requests(200), 1);
  EXPECT_EQ(db.find_request(*b)->state, "ended");
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
