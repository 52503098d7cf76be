// Session codes (budgets, expiry with an injected clock, single use, keyed hash) and the
// console feed (snapshot first, events, removed, bounded queues), without sockets.
#include <gtest/gtest.h>

#include <boost/json.hpp>
#include <filesystem>
#include <set>

#include "server/api/request_routes.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/auth/session_codes.hpp"
#include "server/live/console_feed.hpp"
#include "server/store/store.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;

class codes_test : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir = fs::temp_directory_path() / ("visit-codes-" + random_hex(8));
    fs::create_directories(dir);
    db = std::make_unique<store>(dir / "visit.db");
  }
  void TearDown() override {
    db.reset();
    fs::remove_all(dir);
  }
  session_codes make(session_codes::config c = {}) {
    return session_codes(
        *db, std::string(32, 'k'), [this] { return now; }, c);
  }
  fs::path dir;
  std::unique_ptr<store> db;
  std::int64_t now = 1'000'000;
};

TEST_F(codes_test, codes_are_nine_digits_hashed_single_use_and_expire_within_ten_minutes) {
  auto codes = make();
  auto c = codes.create("bob");
  ASSERT_TRUE(c);
  ASSERT_EQ(c->code.size(), 11u);  // "482 913 205"
  auto digits = session_codes::normalize(c->code);
  ASSERT_TRUE(digits);
  EXPECT_EQ(c->expires_at, now + 600);
  // Only the keyed hash is stored.
  EXPECT_TRUE(db->find_code(codes.hash(*digits)));
  EXPECT_FALSE(db->find_code(*digits));
  EXPECT_NE(codes.hash(*digits), sha256_hex(*digits));
  // Expiry: still good at 599 s, gone at 600 s.
  auto c2 = codes.create("bob");
  now += 599;
  auto ok = codes.redeem("10.0.0.1", c2->code);
  EXPECT_EQ(ok.result, session_codes::outcome::paired);
  EXPECT_EQ(ok.technician, "bob");
  EXPECT_EQ(codes.redeem("10.0.0.2", c2->code).result, session_codes::outcome::refused_unknown)
      << "single use";
  now += 1;
  EXPECT_EQ(codes.redeem("10.0.0.3", c->code).result, session_codes::outcome::refused_unknown)
      << "expired after 600 s";
  EXPECT_TRUE(codes.live_for("bob").empty());
}

TEST_F(codes_test, at_most_five_live_codes_per_technician_and_listing_is_per_technician) {
  auto codes = make();
  for (int i = 0; i < 5; ++i) ASSERT_TRUE(codes.create("bob"));
  session_codes::create_error why{};
  EXPECT_FALSE(codes.create("bob", &why));
  EXPECT_EQ(why, session_codes::create_error::too_many);
  EXPECT_TRUE(codes.create("carol"));
  EXPECT_EQ(codes.live_for("bob").size(), 5u);
  EXPECT_EQ(codes.live_for("carol").size(), 1u);
  now += 600;
  EXPECT_TRUE(codes.create("bob")) << "expired codes do not count";
}

TEST_F(codes_test, normalize_strips_spaces_and_dashes_only) {
  EXPECT_EQ(session_codes::normalize("482-913 205"), "482913205");
  EXPECT_EQ(session_codes::normalize("482913205"), "482913205");
  EXPECT_FALSE(session_codes::normalize("48291320"));
  EXPECT_FALSE(session_codes::normalize("4829132050"));
  EXPECT_FALSE(session_codes::normalize("48291320x"));
  EXPECT_FALSE(session_codes::normalize("' OR 1=1 --"));
}

TEST_F(codes_test, budgets_are_checked_before_any_lookup) {
  auto codes = make();
  auto real = codes.create("bob");
  // Per address: 10 failures, then no lookup at all (even for a real code).
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(codes.redeem("10.0.0.1", "000000000").result,
              session_codes::outcome::refused_unknown);
  }
  EXPECT_EQ(codes.redeem("10.0.0.1", real->code).result,
            session_codes::outcome::refused_over_budget);
  EXPECT_EQ(codes.stats().lookups, 10u);
  // The window slides: ten minutes later the address may try again.
  now += 601;
  auto later = codes.create("bob");
  EXPECT_EQ(codes.redeem("10.0.0.1", later->code).result, session_codes::outcome::paired);
}

TEST_F(codes_test, the_global_budget_leaves_a_slow_allowance_for_fresh_addresses) {
  auto codes = make();
  auto real = codes.create("bob");
  // 200 failures from 20 addresses exhaust the global budget.
  for (int a = 0; a < 20; ++a) {
    for (int i = 0; i < 10; ++i) codes.redeem("10.0.1." + std::to_string(a), "111111111");
  }
  EXPECT_EQ(codes.stats().failures, 200u);
  // An address that failed before: refused without lookup.
  EXPECT_EQ(codes.redeem("10.0.1.0", real->code).result,
            session_codes::outcome::refused_over_budget);
  // Fresh addresses share a bucket of 10 lookups...
  std::uint64_t before = codes.stats().lookups;
  for (int a = 0; a < 30; ++a) codes.redeem("10.0.2." + std::to_string(a), "222222222");
  EXPECT_EQ(codes.stats().lookups - before, 10u);
  // ...that refills one lookup every 3 s: a real customer gets through soon after.
  EXPECT_EQ(codes.redeem("10.0.3.1", real->code).result,
            session_codes::outcome::refused_over_budget);
  now += 3;
  EXPECT_EQ(codes.redeem("10.0.3.1", real->code).result, session_codes::outcome::paired);
}

TEST_F(codes_test, the_key_file_is_created_once_with_mode_0600) {
  auto k1 = session_codes::load_or_create_key(dir / "code_key");
  auto k2 = session_codes::load_or_create_key(dir / "code_key");
  EXPECT_EQ(k1.size(), 32u);
  EXPECT_EQ(k1, k2);
  auto perms = fs::status(dir / "code_key").permissions();
  EXPECT_EQ(perms & (fs::perms::group_all | fs::perms::others_all), fs::perms::none);
}

// --- console feed ---------------------------------------------------------------------------

struct counting_sink : console_feed::sink {
  void wake() override { ++wakes; }
  int wakes = 0;
};

TEST(console_feed, snapshot_first_then_events_for_those_who_may_see_then_removed) {
  int snapshots = 0;
  console_feed feed([&](const console_feed::viewer& who) {
    ++snapshots;
    return console_feed::snapshot{"snapshot for " + who.username, {"r1"}};
  });
  auto bob_sink = std::make_shared<counting_sink>();
  auto carol_sink = std::make_shared<counting_sink>();
  auto bob = feed.add(bob_sink, {"bob", "technician"});
  auto carol = feed.add(carol_sink, {"carol", "senior"});
  EXPECT_EQ(bob_sink->wakes, 1);
  EXPECT_EQ(feed.next(bob), "snapshot for bob");
  EXPECT_EQ(feed.next(carol), "snapshot for carol");
  EXPECT_FALSE(feed.next(bob));
  auto seniors_only = [](const console_feed::viewer& v) { return v.role == "senior"; };
  feed.publish("r2", "event r2", seniors_only);
  EXPECT_FALSE(feed.next(bob)) << "bob may not see r2";
  EXPECT_EQ(feed.next(carol), "event r2");
  // r1 was in bob's snapshot; moving it where he cannot see it removes it from his view.
  feed.publish("r1", "event r1", seniors_only);
  auto removed = feed.next(bob);
  ASSERT_TRUE(removed);
  EXPECT_EQ(boost::json::parse(*removed).at("event").as_string(), "removed");
  EXPECT_EQ(boost::json::parse(*removed).at("id").as_string(), "r1");
  EXPECT_EQ(feed.next(carol), "event r1");
  feed.publish("r1", "event r1 again", seniors_only);
  EXPECT_FALSE(feed.next(bob)) << "removed once only";
  feed.remove(bob);
  feed.publish("r3", "event r3", [](const console_feed::viewer&) { return true; });
  EXPECT_FALSE(feed.next(bob));
  EXPECT_EQ(snapshots, 2);
}

TEST(console_feed, a_slow_console_gets_a_fresh_snapshot_instead_of_a_backlog) {
  int snapshots = 0;
  console_feed feed(
      [&](const console_feed::viewer&) {
        ++snapshots;
        return console_feed::snapshot{"snapshot", {}};
      },
      1000);
  auto sink = std::make_shared<counting_sink>();
  auto id = feed.add(sink, {"bob", "admin"});
  EXPECT_EQ(feed.next(id), "snapshot");
  auto all = [](const console_feed::viewer&) { return true; };
  for (int i = 0; i < 100; ++i) feed.publish("r" + std::to_string(i), std::string(100, 'e'), all);
  EXPECT_EQ(feed.resyncs(), 1u);
  // Queue dropped: the next message is a snapshot, then only what came after it.
  EXPECT_EQ(feed.next(id), "snapshot");
  EXPECT_FALSE(feed.next(id));
  EXPECT_EQ(snapshots, 2);
  feed.publish("r0", "late", all);
  EXPECT_EQ(feed.next(id), "late");
}

TEST(request_rules, roles_rank_and_summary_has_every_member) {
  EXPECT_LT(role_rank("technician"), role_rank("senior"));
  EXPECT_LT(role_rank("senior"), role_rank("admin"));
  EXPECT_EQ(role_rank("root"), 0);
  support_request_record r;
  r.id = std::string(32, 'a');
  r.name = "Ada";
  auto s = request_summary(r, true, 2, 3);
  for (auto key : {"id", "name", "summary", "topic", "queue", "state", "technician", "created_at",
                   "updated_at", "online", "via_code", "viewers"}) {
    EXPECT_TRUE(s.contains(key)) << key;
  }
  EXPECT_TRUE(s.at("technician").is_null());
  EXPECT_EQ(s.at("viewers").as_int64(), 2);
}

}  // namespace
}  // namespace visit::server
