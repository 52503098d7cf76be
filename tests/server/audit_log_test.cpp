// The audit log: the HMAC chain against each kind of tampering (on a real SQLite database),
// the key file rules, per-second counting with an injected clock, the bounded queue, and
// what the session hub reports (docs/security.md, "Audit log").
#include "server/store/audit_log.hpp"

#include <gtest/gtest.h>
#include <sodium.h>
#include <sqlite3.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>

#include "hub_fakes.hpp"
#include "protocol/control.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/live/session_hub.hpp"
#include "server/store/store.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

constexpr std::int64_t t0 = 1'800'000'000'000'000;  // a Unix time in microseconds

class audit_test : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir = fs::temp_directory_path() / ("visit-audit-" + random_hex(8));
    fs::create_directories(dir);
    db_path = dir / "visit.db";
    store s(db_path);  // creates audit_events
    key = load_audit_key(dir / "audit.key", true);
  }
  void TearDown() override { fs::remove_all(dir); }

  // Writes `n` events through audit_log (clock: t0 + 1 ms per event).
  void write_chain(int n) {
    std::atomic<std::int64_t> now{t0};
    audit_log log(db_path, key, {}, [&] { return now.load(); });
    const std::int64_t first = log.current_stats().last_seq;
    for (int i = 1; i <= n; ++i) {
      now += 1000;
      log.event("0123456789abcdef0123456789abcdef", i % 2 ? "alice" : "bob", "grant",
                "{\"n\":" + std::to_string(i) + "}");
    }
    log.flush();
    EXPECT_EQ(log.current_stats().last_seq, first + n);
  }
  // Runs SQL on a raw connection, as someone with file access would (triggers dropped first).
  void tamper(const std::string& sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
    std::string all =
        "DROP TRIGGER IF EXISTS audit_events_no_update; DROP TRIGGER IF EXISTS "
        "audit_events_no_delete; " +
        sql;
    char* err = nullptr;
    EXPECT_EQ(sqlite3_exec(db, all.c_str(), nullptr, nullptr, &err), SQLITE_OK) << (err ? err : "");
    sqlite3_free(err);
    sqlite3_close(db);
  }
  audit_verify_result verify() { return verify_audit_chain(db_path, key); }

  fs::path dir, db_path;
  audit_key key{};
};

TEST_F(audit_test, an_untouched_chain_verifies_and_continues_across_restarts) {
  write_chain(5);
  write_chain(3);  // a second start continues at seq 6
  auto v = verify();
  EXPECT_TRUE(v.intact) << v.why;
  EXPECT_EQ(v.checked, 8);
  EXPECT_EQ(v.last_seq, 8);
  auto records = read_audit_records(db_path, "");
  ASSERT_EQ(records.size(), 8u);
  for (std::size_t i = 0; i < records.size(); ++i) {
    EXPECT_EQ(records[i].seq, static_cast<std::int64_t>(i + 1));
  }
  EXPECT_EQ(records[0].at_us, t0 + 1000);
  EXPECT_EQ(records[0].technician, "alice");
  EXPECT_EQ(records[0].detail, R"({"n":1})");
  EXPECT_EQ(records[7].hash, v.last_hash);
}

TEST_F(audit_test, the_table_refuses_updates_and_deletes) {
  write_chain(2);
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &db), SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "UPDATE audit_events SET kind = 'x'", nullptr, nullptr, nullptr),
            SQLITE_OK);
  EXPECT_NE(sqlite3_exec(db, "DELETE FROM audit_events", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(db);
  EXPECT_TRUE(verify().intact);
}

struct tamper_case {
  const char* name;
  const char* sql;
  std::int64_t first_bad;
};

class audit_tamper_test : public audit_test, public ::testing::WithParamInterface<tamper_case> {};

TEST_P(audit_tamper_test, is_detected_at_the_first_bad_seq) {
  write_chain(10);
  ASSERT_TRUE(verify().intact);
  tamper(GetParam().sql);
  auto v = verify();
  EXPECT_FALSE(v.intact) << GetParam().name;
  ASSERT_TRUE(v.first_bad_seq);
  EXPECT_EQ(*v.first_bad_seq, GetParam().first_bad) << v.why;
  EXPECT_EQ(v.checked, GetParam().first_bad - 1);
}

INSTANTIATE_TEST_SUITE_P(
    kinds, audit_tamper_test,
    ::testing::Values(
        tamper_case{"flip_detail", "UPDATE audit_events SET detail = '{\"n\":50}' WHERE seq = 5",
                    5},
        tamper_case{"flip_technician",
                    "UPDATE audit_events SET technician = 'mallory' WHERE seq = 7", 7},
        tamper_case{"flip_time", "UPDATE audit_events SET at_us = at_us + 1 WHERE seq = 2", 2},
        tamper_case{"flip_kind", "UPDATE audit_events SET kind = 'revoke' WHERE seq = 10", 10},
        tamper_case{"flip_hash",
                    "UPDATE audit_events SET hash = substr(hash, 1, 63) || "
                    "(CASE substr(hash, 64) WHEN '0' THEN '1' ELSE '0' END) WHERE seq = 3",
                    3},
        tamper_case{"empty_hash", "UPDATE audit_events SET hash = '' WHERE seq = 4", 4},
        tamper_case{"short_hash",
                    "UPDATE audit_events SET hash = substr(hash, 1, 20) WHERE seq = 8", 8},
        tamper_case{"delete_one", "DELETE FROM audit_events WHERE seq = 4", 4},
        tamper_case{"delete_first", "DELETE FROM audit_events WHERE seq = 1", 1},
        tamper_case{"truncate_middle", "DELETE FROM audit_events WHERE seq BETWEEN 4 AND 8", 4},
        tamper_case{"reorder",
                    "UPDATE audit_events SET seq = -3 WHERE seq = 3; "
                    "UPDATE audit_events SET seq = 3 WHERE seq = 6; "
                    "UPDATE audit_events SET seq = 6 WHERE seq = -3",
                    3},
        tamper_case{"renumber_after_delete",
                    "DELETE FROM audit_events WHERE seq = 6; "
                    "UPDATE audit_events SET seq = seq - 1 WHERE seq > 6",
                    6},
        tamper_case{"insert_forged",
                    "INSERT INTO audit_events VALUES(11, 0, 'r', 't', 'grant', '{}', "
                    "'0000000000000000000000000000000000000000000000000000000000000000')",
                    11}),
    [](const auto& p) { return std::string(p.param.name); });

// A record whose hash is shorter than 64 characters must be refused without reading past its
// end. The record is placed so that it ends where an inaccessible page begins: a short hash
// lives in the string's inline buffer at the record's end, so comparing 64 bytes of it faults
// (ASan cannot see that read: it happens inside the uninstrumented libsodium).
TEST_F(audit_test, a_short_hash_is_refused_without_reading_past_it) {
  const auto page = static_cast<std::size_t>(sysconf(_SC_PAGESIZE));
  void* mem = mmap(nullptr, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
  ASSERT_NE(mem, MAP_FAILED);
  auto* base = static_cast<char*>(mem);
  ASSERT_EQ(mprotect(base + page, page, PROT_NONE), 0);
  for (const char* hash : {"", "00ff"}) {
    audit_record first;
    first.seq = 1;
    first.request_id = "r";
    first.kind = "grant";
    first.detail = "{}";
    first.hash = audit_hash(key, "", first);
    auto* r = new (base + page - sizeof(audit_record)) audit_record;
    r->seq = 2;
    r->request_id = "r";
    r->kind = "grant";
    r->detail = "{}";
    r->hash = hash;
    audit_chain_verifier v(key);
    EXPECT_TRUE(v.add(first));
    EXPECT_FALSE(v.add(*r));
    ASSERT_TRUE(v.first_bad_seq());
    EXPECT_EQ(*v.first_bad_seq(), 2);
    r->~audit_record();
  }
  munmap(mem, 2 * page);
}

TEST_F(audit_test, a_chain_recomputed_without_the_key_is_detected) {
  write_chain(8);
  // The attacker rewrites record 5 and re-chains 5..8 with a key of their own.
  audit_key other{};
  randombytes_buf(other.data(), other.size());
  auto records = read_audit_records(db_path, "");
  records[4].detail = R"({"n":"forged"})";
  std::string sql;
  for (std::size_t i = 4; i < records.size(); ++i) {
    records[i].hash = audit_hash(other, records[i - 1].hash, records[i]);
    sql += "UPDATE audit_events SET detail = '" + records[i].detail + "', hash = '" +
           records[i].hash + "' WHERE seq = " + std::to_string(records[i].seq) + ";";
  }
  tamper(sql);
  auto v = verify();
  EXPECT_FALSE(v.intact);
  EXPECT_EQ(v.first_bad_seq, 5);
  // The same rewrite with the real key passes: the key is what protects the chain.
  for (std::size_t i = 4; i < records.size(); ++i) {
    records[i].hash = audit_hash(key, records[i - 1].hash, records[i]);
  }
  sql.clear();
  for (std::size_t i = 4; i < records.size(); ++i) {
    sql += "UPDATE audit_events SET hash = '" + records[i].hash +
           "' WHERE seq = " + std::to_string(records[i].seq) + ";";
  }
  tamper(sql);
  EXPECT_TRUE(verify().intact);
}

TEST_F(audit_test, the_canonical_encoding_is_unambiguous) {
  audit_record a;
  a.seq = 1;
  a.at_us = 5;
  a.request_id = "ab";
  a.technician = "c";
  audit_record b = a;
  b.request_id = "a";
  b.technician = "bc";  // same concatenation, other fields
  EXPECT_NE(audit_hash(key, "", a), audit_hash(key, "", b));
  EXPECT_EQ(audit_hash(key, "", a), audit_hash(key, "", a));
  EXPECT_EQ(audit_hash(key, "", a).size(), 64u);
}

TEST_F(audit_test, key_file_rules) {
  const fs::path file = dir / "audit.key";
  struct stat st {};
  ASSERT_EQ(::stat(file.c_str(), &st), 0);
  EXPECT_EQ(st.st_mode & 0777, 0600u);
  EXPECT_EQ(fs::file_size(file), 32u);
  EXPECT_EQ(load_audit_key(file, true), key);  // an existing key is kept
  EXPECT_EQ(load_audit_key(file, false), key);

  fs::permissions(file, fs::perms::group_read, fs::perm_options::add);
  EXPECT_THROW(load_audit_key(file, false), std::runtime_error);
  fs::permissions(file, fs::perms::group_read, fs::perm_options::remove);
  fs::permissions(file, fs::perms::others_read, fs::perm_options::add);
  EXPECT_THROW(load_audit_key(file, true), std::runtime_error);
  fs::permissions(file, fs::perms::others_read, fs::perm_options::remove);
  EXPECT_EQ(load_audit_key(file, false), key);

  const fs::path other = dir / "short.key";
  { std::ofstream(other) << "too short"; }
  fs::permissions(other, fs::perms::owner_read | fs::perms::owner_write);
  EXPECT_THROW(load_audit_key(other, true), std::runtime_error);  // never replaced
  EXPECT_EQ(fs::file_size(other), 9u);
  EXPECT_THROW(load_audit_key(dir / "missing.key", false), std::runtime_error);
  EXPECT_FALSE(fs::exists(dir / "missing.key"));
}

// --- counting -------------------------------------------------------------------------------

protocol::input_event ev(protocol::input_kind k) {
  protocol::input_event e;
  e.kind = k;
  return e;
}

TEST(audit_counts, count_input_counts_kinds_never_contents) {
  using protocol::input_kind;
  std::vector<protocol::input_event> events;
  events.push_back(ev(input_kind::pointer_move));
  events.push_back(ev(input_kind::pointer_move));
  auto b = ev(input_kind::button);
  b.button = 1;
  b.pressed = true;
  events.push_back(b);
  b.pressed = false;
  events.push_back(b);
  auto w = ev(input_kind::wheel);
  w.dx = -3;
  w.dy = 2;
  events.push_back(w);
  auto k = ev(input_kind::key);
  k.key = 1;
  k.pressed = true;
  events.push_back(k);
  k.pressed = false;
  events.push_back(k);
  auto s = ev(input_kind::special);
  s.special = protocol::special_key::alt_tab;
  events.push_back(s);
  auto msg = protocol::make_input(1, 0, "", events);
  auto m = protocol::parse_message(msg);
  ASSERT_TRUE(m);
  auto c = count_input(m->hdr.type, m->payload);
  input_counts want;
  want.messages = 1;
  want.pointer_moves = 2;
  want.button_presses = 1;
  want.wheel_notches = 5;
  want.key_presses = 1;
  want.specials = 1;
  EXPECT_EQ(c, want);

  auto paste = protocol::make_paste_text(1, 0, "", "h\xc3\xa9llo \xe2\x82\xac");  // 7 code points
  auto p = protocol::parse_message(paste);
  ASSERT_TRUE(p);
  EXPECT_EQ(count_input(p->hdr.type, p->payload).paste_chars, 7u);
  auto clip = protocol::make_clipboard(1, 0, "", "secret!");
  auto q = protocol::parse_message(clip);
  ASSERT_TRUE(q);
  EXPECT_EQ(count_input(q->hdr.type, q->payload).clipboard_bytes, 7u);
}

TEST(audit_counts, aggregator_sums_per_second_and_emits_when_the_second_is_over) {
  input_aggregator agg;
  input_counts moves;
  moves.messages = 1;
  moves.pointer_moves = 10;
  input_counts keys;
  keys.messages = 1;
  keys.key_presses = 2;
  const std::string req = "0123456789abcdef0123456789abcdef";
  agg.add(t0 + 100'000, req, "alice", input_disposition::forwarded, moves);
  agg.add(t0 + 900'000, req, "alice", input_disposition::forwarded, keys);
  agg.add(t0 + 950'000, req, "bob", input_disposition::dropped_not_controller, keys);
  agg.add(t0 + 1'200'000, req, "alice", input_disposition::forwarded, moves);
  EXPECT_TRUE(agg.take_due(t0 + 999'999).empty());  // second t0 is not over
  auto due = agg.take_due(t0 + 1'000'000);
  ASSERT_EQ(due.size(), 2u);
  EXPECT_EQ(due[0].at_us, t0);
  EXPECT_EQ(due[0].technician, "alice");
  EXPECT_EQ(due[0].kind, "input");
  EXPECT_EQ(due[0].detail, R"({"messages":2,"pointer_moves":10,"key_presses":2})");
  EXPECT_EQ(due[1].technician, "bob");
  EXPECT_EQ(due[1].kind, "input_dropped");
  EXPECT_EQ(due[1].detail, R"({"reason":"not_controller","messages":1,"key_presses":2})");
  EXPECT_TRUE(agg.take_due(t0 + 1'999'999).empty());
  agg.add(t0 + 1'300'000, "ffffffffffffffffffffffffffffffff", "carol",
          input_disposition::dropped_read_only, moves);
  auto mine = agg.take_request(req);  // the current second too
  ASSERT_EQ(mine.size(), 1u);
  EXPECT_EQ(mine[0].at_us, t0 + 1'000'000);
  auto rest = agg.take_all();
  ASSERT_EQ(rest.size(), 1u);
  EXPECT_EQ(rest[0].detail, R"({"reason":"read_only","messages":1,"pointer_moves":10})");
  EXPECT_TRUE(agg.empty());
}

TEST_F(audit_test, counts_are_written_per_second_and_before_the_next_event_of_their_request) {
  std::atomic<std::int64_t> now{t0};
  const std::string req = "0123456789abcdef0123456789abcdef";
  input_counts c;
  c.messages = 1;
  c.pointer_moves = 3;
  {
    audit_log log(db_path, key, {}, [&] { return now.load(); });
    log.event(req, "alice", "grant", "{}");
    log.count(req, "alice", input_disposition::forwarded, c);
    now += 300'000;
    log.count(req, "alice", input_disposition::forwarded, c);
    log.flush();
    EXPECT_EQ(log.current_stats().last_seq, 1);  // the second is not over: not yet written
    now += 800'000;                              // t0 + 1.1 s
    log.count(req, "alice", input_disposition::forwarded, c);
    // The writer notices the ended second by itself (tick 200 ms).
    for (int i = 0; i < 100 && log.current_stats().last_seq < 2; ++i) {
      std::this_thread::sleep_for(20ms);
    }
    EXPECT_EQ(log.current_stats().last_seq, 2);
    log.event(req, "alice", "revoke", "{}");  // the second in progress goes first
    log.flush();
  }
  auto r = read_audit_records(db_path, req);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].kind, "grant");
  EXPECT_EQ(r[1].kind, "input");
  EXPECT_EQ(r[1].at_us, t0);
  EXPECT_EQ(r[1].detail, R"({"messages":2,"pointer_moves":6})");
  EXPECT_EQ(r[2].kind, "input");
  EXPECT_EQ(r[2].at_us, t0 + 1'000'000);
  EXPECT_EQ(r[2].detail, R"({"messages":1,"pointer_moves":3})");
  EXPECT_EQ(r[3].kind, "revoke");
  EXPECT_TRUE(verify().intact);
}

TEST_F(audit_test, a_full_queue_loses_records_but_says_so_in_the_chain) {
  // Hold the database's write lock so the writer cannot drain, then overfill its queue.
  sqlite3* blocker = nullptr;
  ASSERT_EQ(sqlite3_open(db_path.c_str(), &blocker), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(blocker, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  audit_log::options o;
  o.queue_capacity = 4;
  constexpr int sent = 20;
  {
    audit_log log(db_path, key, o);
    for (int i = 0; i < sent; ++i) log.event("r", "alice", "control_request", "{}");
    std::this_thread::sleep_for(300ms);
    sqlite3_exec(blocker, "ROLLBACK", nullptr, nullptr, nullptr);
    log.flush();
    auto st = log.current_stats();
    EXPECT_GE(st.lost, static_cast<std::uint64_t>(sent - 2 * 4));
    auto records = read_audit_records(db_path, "");
    ASSERT_FALSE(records.empty());
    std::int64_t kept = 0;
    std::string overflow;
    for (const auto& r : records) {
      if (r.kind == "control_request") ++kept;
      if (r.kind == "audit_overflow") overflow = r.detail;
    }
    EXPECT_EQ(kept + static_cast<std::int64_t>(st.lost), sent);
    EXPECT_EQ(overflow, "{\"lost\":" + std::to_string(st.lost) + "}");
  }
  sqlite3_close(blocker);
  EXPECT_TRUE(verify().intact);
}

// --- the hub's reports ------------------------------------------------------------------------

struct recorded {
  std::string request, technician, kind, detail;
  bool operator==(const recorded&) const = default;
};
std::ostream& operator<<(std::ostream& os, const recorded& r) {
  return os << r.kind << "/" << r.technician << "/" << r.detail;
}

class recording_audit final : public audit_sink {
 public:
  void event(std::string_view request_id, std::string_view technician, std::string_view kind,
             std::string detail) override {
    events.push_back(
        {std::string(request_id), std::string(technician), std::string(kind), std::move(detail)});
  }
  void count(std::string_view, std::string_view technician, input_disposition what,
             const input_counts& c) override {
    counts[{std::string(technician), static_cast<int>(what)}] += c;
  }
  std::vector<recorded> events;
  std::map<std::pair<std::string, int>, input_counts> counts;
  input_counts of(const std::string& tech, input_disposition d) {
    return counts[{tech, static_cast<int>(d)}];
  }
};

std::vector<std::uint8_t> json_message(protocol::message_type t, const std::string& json) {
  return protocol::make_json_message(t, 1, 0, json);
}

class hub_audit_test : public ::testing::Test {
 protected:
  hub_audit_test() : feed(hub, req) {
    hub.set_audit(&audit);
    hub.add_customer(req, "Ada", "", &customer);
    EXPECT_FALSE(feed.screen(128, 128));
    alice_id = *hub.add_viewer(req, &alice, "alice", "Alice A");
    bob_id = *hub.add_viewer(req, &bob, "bob", "Bob B");
  }
  void from_viewer(session_hub::viewer_id v, const std::vector<std::uint8_t>& msg) {
    auto m = protocol::parse_message(msg);
    ASSERT_TRUE(m);
    ASSERT_FALSE(hub.on_viewer_control(v, *m));
  }
  void access(const std::string& json) {
    std::span<const std::uint8_t> p(reinterpret_cast<const std::uint8_t*>(json.data()),
                                    json.size());
    ASSERT_FALSE(feed.send(protocol::control_type::access_state, p));
  }
  std::vector<std::uint8_t> keys(int presses) {
    std::vector<protocol::input_event> e;
    for (int i = 0; i < presses; ++i) {
      auto k = ev(protocol::input_kind::key);
      k.key = 5;
      k.pressed = true;
      e.push_back(k);
      k.pressed = false;
      e.push_back(k);
    }
    return protocol::make_input(1, 0, "", e);
  }

  const std::string req = "fedcba9876543210fedcba9876543210";
  recording_audit audit;
  session_hub hub;
  testing::fake_customer customer;
  testing::customer_feed feed;
  testing::fake_viewer alice, bob;
  session_hub::viewer_id alice_id{}, bob_id{};
};

TEST_F(hub_audit_test, grant_input_revoke_and_leaving_are_reported_with_counts) {
  namespace ct = protocol::control_type;
  from_viewer(alice_id, keys(3));  // Read-Only: dropped
  from_viewer(alice_id, json_message(ct::control_request, "{}"));
  access(R"({"mode":"full_access","controller":{"id":"alice","name":"Alice A"},)"
         R"("reason":"granted"})");
  from_viewer(alice_id, keys(4));
  from_viewer(alice_id, protocol::make_paste_text(1, 0, "", "abc"));
  from_viewer(bob_id, keys(2));  // not the controller
  std::string clip = std::string(1, '\0') + "copied";
  ASSERT_FALSE(feed.send(
      ct::clipboard, std::span(reinterpret_cast<const std::uint8_t*>(clip.data()), clip.size())));
  access(R"({"mode":"full_access","controller":{"id":"alice","name":"Alice A"},)"
         R"("reason":"paused","paused_ms":2000,"released":{"keys":1,"buttons":0}})");
  access(R"({"mode":"read_only","controller":null,"reason":"revoked",)"
         R"("released":{"keys":0,"buttons":1}})");
  hub.remove_viewer(alice_id);
  hub.remove_customer(req);

  std::vector<recorded> want = {
      {req, "", "customer_connected", "{}"},
      {req, "alice", "viewer_joined", R"({"viewer":1})"},
      {req, "bob", "viewer_joined", R"({"viewer":2})"},
      {req, "alice", "control_request", R"({"name":"Alice A"})"},
      {req, "alice", "grant", R"({"mode":"full_access","name":"Alice A"})"},
      {req, "alice", "pause", R"({"mode":"full_access","name":"Alice A","paused_ms":2000})"},
      {req, "alice", "released", R"({"keys":1,"buttons":0,"reason":"paused"})"},
      {req, "alice", "revoke", R"({"mode":"read_only"})"},
      {req, "alice", "released", R"({"keys":0,"buttons":1,"reason":"revoked"})"},
      {req, "alice", "viewer_left", R"({"viewer":1})"},
      {req, "", "customer_left", "{}"},
  };
  EXPECT_EQ(audit.events, want);

  input_counts ro;
  ro.messages = 1;
  ro.key_presses = 3;
  EXPECT_EQ(audit.of("alice", input_disposition::dropped_read_only), ro);
  input_counts fwd;
  fwd.messages = 2;
  fwd.key_presses = 4;
  fwd.paste_chars = 3;
  EXPECT_EQ(audit.of("alice", input_disposition::forwarded), fwd);
  input_counts nc;
  nc.messages = 1;
  nc.key_presses = 2;
  EXPECT_EQ(audit.of("bob", input_disposition::dropped_not_controller), nc);
  input_counts out;
  out.messages = 1;
  out.clipboard_bytes = 6;
  EXPECT_EQ(audit.of("alice", input_disposition::clipboard_to_technician), out);
}

TEST_F(hub_audit_test, the_controller_leaving_is_a_server_side_disconnect) {
  access(R"({"mode":"full_access","controller":{"id":"alice","name":"Alice A"},)"
         R"("reason":"granted"})");
  audit.events.clear();
  hub.remove_viewer(alice_id);
  // The customer follows with its own Read-Only state and what it released.
  access(R"({"mode":"read_only","controller":null,"reason":"disconnect",)"
         R"("released":{"keys":1,"buttons":0}})");
  std::vector<recorded> want = {
      {req, "alice", "viewer_left", R"({"viewer":1})"},
      {req, "alice", "disconnect", R"({"by":"server","cause":"controller_left"})"},
      {req, "alice", "disconnect", R"({"mode":"read_only"})"},
      {req, "alice", "released", R"({"keys":1,"buttons":0,"reason":"disconnect"})"},
  };
  EXPECT_EQ(audit.events, want);
}

TEST_F(hub_audit_test, viewers_names_distinct_technicians_controller_first) {
  testing::fake_viewer alice2;
  auto alice2_id = *hub.add_viewer(req, &alice2, "alice", "Alice A");  // a second tab
  ASSERT_FALSE(customer.viewer_lists.empty());
  viewers_info want{3, {{"alice", "Alice A"}, {"bob", "Bob B"}}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
  access(R"({"mode":"full_access","controller":{"id":"bob","name":"Bob B"},)"
         R"("reason":"granted"})");
  want.technicians = {{"bob", "Bob B"}, {"alice", "Alice A"}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
  hub.remove_viewer(alice_id);  // alice still watches in her other tab
  want.count = 2;
  EXPECT_EQ(customer.viewer_lists.back(), want);
  hub.close_viewer(bob_id, protocol::close_code::unauthorized, "logged out");
  want = {1, {{"alice", "Alice A"}}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
  hub.remove_viewer(alice2_id);
  want = {0, {}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
}

TEST_F(hub_audit_test, a_controller_that_leaves_stays_unlisted_until_the_customer_answers) {
  access(R"({"mode":"full_access","controller":{"id":"alice","name":"Alice A"},)"
         R"("reason":"granted"})");
  hub.remove_viewer(alice_id);
  testing::fake_viewer again;
  hub.add_viewer(req, &again, "alice", "Alice A");  // back before the customer saw her leave
  viewers_info want{2, {{"bob", "Bob B"}}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
  access(R"({"mode":"read_only","controller":null,"reason":"disconnect"})");
  want.technicians = {{"bob", "Bob B"}, {"alice", "Alice A"}};
  EXPECT_EQ(customer.viewer_lists.back(), want);
}

}  // namespace
}  // namespace visit::server
