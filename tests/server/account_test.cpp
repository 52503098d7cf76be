// Accounts without sockets: TOTP (RFC 6238 / RFC 4226 vectors, window, replay), base32,
// otpauth URIs and the enrolment QR code (decoded back with zbarimg), roles, the password
// rule, sealed secrets, the accounts migration and the last-admin rule of the store, login
// sessions per user and with configured timeouts, the throttle against T6 attacks, and the
// command line of the timeouts and `user` actions.
#include <gtest/gtest.h>
#include <sodium.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <random>

#include "server/auth/crypto_helpers.hpp"
#include "server/auth/login_sessions.hpp"
#include "server/auth/login_throttle.hpp"
#include "server/auth/roles.hpp"
#include "server/auth/secret_box.hpp"
#include "server/auth/totp.hpp"
#include "server/cli/command_line.hpp"
#include "server/store/store.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

std::vector<std::uint8_t> bytes_of(std::string_view s) {
  return {s.begin(), s.end()};
}

fs::path temp_dir(const std::string& prefix) {
  std::random_device rd;
  auto p = fs::temp_directory_path() / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(p);
  return p;
}

// --- TOTP -------------------------------------------------------------------------------

TEST(totp, rfc4226_hotp_test_vectors) {
  auto key = bytes_of("12345678901234567890");
  const std::uint32_t expected[] = {755224, 287082, 359152, 969429, 338314,
                                    254676, 287922, 162583, 399871, 520489};
  for (std::uint64_t c = 0; c < 10; ++c) EXPECT_EQ(totp::hotp(key, c), expected[c]) << c;
}

TEST(totp, rfc6238_sha1_test_vectors) {
  // RFC 6238 Appendix B, SHA-1 rows (8 digits, 30 s steps).
  auto key = bytes_of("12345678901234567890");
  struct row {
    std::int64_t t;
    std::uint32_t code;
  };
  for (auto [t, code] :
       {row{59, 94287082}, row{1111111109, 7081804}, row{1111111111, 14050471},
        row{1234567890, 89005924}, row{2000000000, 69279037}, row{20000000000, 65353130}}) {
    EXPECT_EQ(totp::hotp(key, static_cast<std::uint64_t>(totp::step_of(t)), 8), code) << t;
  }
  // The 6-digit code is the last 6 digits, zero-padded.
  EXPECT_EQ(totp::code_at(key, 1111111109), "081804");
  EXPECT_EQ(totp::code_at(key, 59), "287082");
}

TEST(totp, one_step_either_side_and_replays_refused) {
  auto key = bytes_of("12345678901234567890");
  const std::int64_t t = 1234567890;  // step 41152263
  std::int64_t step = totp::step_of(t);
  auto now = totp::code_at(key, t);
  EXPECT_EQ(totp::verify(key, now, t, 0), step);
  EXPECT_EQ(totp::verify(key, totp::code_at(key, t - 30), t, 0), step - 1);
  EXPECT_EQ(totp::verify(key, totp::code_at(key, t + 30), t, 0), step + 1);
  EXPECT_FALSE(totp::verify(key, totp::code_at(key, t - 60), t, 0)) << "two steps old";
  EXPECT_FALSE(totp::verify(key, totp::code_at(key, t + 60), t, 0)) << "two steps ahead";
  // Replay: the step last accepted, and any before it, never again.
  EXPECT_FALSE(totp::verify(key, now, t, step));
  EXPECT_FALSE(totp::verify(key, totp::code_at(key, t - 30), t, step));
  EXPECT_EQ(totp::verify(key, totp::code_at(key, t + 30), t, step), step + 1);
  // Malformed codes.
  for (std::string_view bad : {"", "12345", "1234567", "12a456", " 12345", "١٢٣٤٥٦"}) {
    EXPECT_FALSE(totp::verify(key, bad, t, 0)) << bad;
  }
  EXPECT_FALSE(totp::verify({}, now, t, 0)) << "no key";
  // Another key does not verify (1 in 10^6 chance per step of a false positive: fixed keys).
  EXPECT_FALSE(totp::verify(bytes_of("abcdefghijabcdefghij"), now, t, 0));
}

TEST(totp, base32_rfc4648_vectors_and_round_trip) {
  struct row {
    const char* plain;
    const char* b32;
  };
  for (auto [plain, b32] :
       {row{"", ""}, row{"f", "MY"}, row{"fo", "MZXQ"}, row{"foo", "MZXW6"}, row{"foob", "MZXW6YQ"},
        row{"fooba", "MZXW6YTB"}, row{"foobar", "MZXW6YTBOI"}}) {
    EXPECT_EQ(totp::base32_encode(bytes_of(plain)), b32);
    auto back = totp::base32_decode(b32);
    ASSERT_TRUE(back);
    EXPECT_EQ(std::string(back->begin(), back->end()), plain);
  }
  auto lower = totp::base32_decode("mzxw 6ytb oi==");
  ASSERT_TRUE(lower);
  EXPECT_EQ(std::string(lower->begin(), lower->end()), "foobar");
  EXPECT_FALSE(totp::base32_decode("MZXW1"));  // '1' is not base32
  EXPECT_FALSE(totp::base32_decode("MZ-XW"));
}

TEST(totp, secrets_are_160_random_bits) {
  init_crypto();
  auto a = totp::new_secret(), b = totp::new_secret();
  EXPECT_EQ(a.size(), 32u);  // 160 bits / 5
  EXPECT_NE(a, b);
  auto raw = totp::base32_decode(a);
  ASSERT_TRUE(raw);
  EXPECT_EQ(raw->size(), 20u);
  EXPECT_EQ(totp::base32_encode(*raw), a);
}

TEST(totp, otpauth_uri_is_percent_encoded) {
  EXPECT_EQ(totp::otpauth_uri("visit", "alice", "JBSWY3DPEHPK3PXP"),
            "otpauth://totp/visit:alice?secret=JBSWY3DPEHPK3PXP&issuer=visit&algorithm=SHA1&"
            "digits=6&period=30");
  auto u = totp::otpauth_uri("visit", "a@b c&d", "AA");
  EXPECT_NE(u.find("visit:a%40b%20c%26d?"), std::string::npos) << u;
}

// The finder pattern (7x7: dark ring, light ring, dark 3x3 core) at (x0, y0).
bool finder_at(const totp::qr_matrix& m, int x0, int y0) {
  for (int y = 0; y < 7; ++y) {
    for (int x = 0; x < 7; ++x) {
      bool ring = x == 0 || y == 0 || x == 6 || y == 6;
      bool core = x >= 2 && x <= 4 && y >= 2 && y <= 4;
      if (m.at(x0 + x, y0 + y) != (ring || core)) return false;
    }
  }
  return true;
}

TEST(totp, qr_code_has_the_structure_of_a_qr_code) {
  std::string uri = totp::otpauth_uri("visit", "alice", "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP");
  auto m = totp::qr_encode(uri);
  ASSERT_GT(m.width, 21);
  EXPECT_EQ((m.width - 17) % 4, 0) << "QR widths are 17 + 4 * version";
  EXPECT_TRUE(finder_at(m, 0, 0));
  EXPECT_TRUE(finder_at(m, m.width - 7, 0));
  EXPECT_TRUE(finder_at(m, 0, m.width - 7));
  EXPECT_FALSE(finder_at(m, m.width - 7, m.width - 7)) << "no finder in the fourth corner";
  // Timing pattern: row 6 alternates between the finders.
  for (int x = 8; x < m.width - 8; ++x) EXPECT_EQ(m.at(x, 6), x % 2 == 0) << x;
  auto svg = totp::qr_svg(uri);
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_EQ(svg.find("<script"), std::string::npos);
  EXPECT_EQ(svg.substr(svg.size() - 6), "</svg>");
  EXPECT_TRUE(totp::qr_svg(std::string(4000, 'x')).empty()) << "too long for a QR code";
}

std::string run_and_read(const std::string& command) {
  std::string out;
  FILE* p = ::popen(command.c_str(), "r");
  if (!p) return out;
  char buf[512];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
  ::pclose(p);
  while (!out.empty() && (out.back() == '\n' || out.back() == '\r')) out.pop_back();
  return out;
}

TEST(totp, qr_svg_decodes_back_to_the_uri) {
  if (::system("command -v rsvg-convert >/dev/null && command -v zbarimg >/dev/null") != 0) {
    GTEST_SKIP() << "rsvg-convert and zbarimg are needed (scripts/setup.sh installs them)";
  }
  auto dir = temp_dir("visit-qr");
  std::string uri = totp::otpauth_uri("visit", "alice@example", totp::new_secret());
  std::ofstream(dir / "qr.svg") << totp::qr_svg(uri);
  ASSERT_EQ(
      ::system(("rsvg-convert -o " + (dir / "qr.png").string() + " " + (dir / "qr.svg").string())
                   .c_str()),
      0);
  EXPECT_EQ(run_and_read("zbarimg -q --raw " + (dir / "qr.png").string()), uri);
  fs::remove_all(dir);
}

// --- roles and passwords ----------------------------------------------------------------

TEST(roles, ordered_technician_senior_admin) {
  EXPECT_TRUE(role_at_least("admin", "admin"));
  EXPECT_TRUE(role_at_least("admin", "technician"));
  EXPECT_TRUE(role_at_least("senior", "technician"));
  EXPECT_TRUE(role_at_least("senior", "senior"));
  EXPECT_FALSE(role_at_least("senior", "admin"));
  EXPECT_FALSE(role_at_least("technician", "senior"));
  EXPECT_FALSE(role_at_least("", "technician"));
  EXPECT_FALSE(role_at_least("Admin", "technician")) << "exact names only";
  EXPECT_FALSE(role_at_least("admin", "root")) << "an unknown requirement grants nothing";
  static_assert(role_at_least("admin", "senior"));
}

TEST(roles, new_passwords_need_12_to_256_bytes_of_utf8) {
  EXPECT_TRUE(new_password_problem(std::string(11, 'a')));
  EXPECT_FALSE(new_password_problem(std::string(12, 'a')));
  EXPECT_FALSE(new_password_problem(std::string(256, 'a')));
  EXPECT_TRUE(new_password_problem(std::string(257, 'a')));
  EXPECT_TRUE(new_password_problem(std::string(12, 'a') + "\xff"));
  EXPECT_FALSE(new_password_problem("pässwörd-1234"));
}

// --- sealed secrets ---------------------------------------------------------------------

TEST(secret_box, seals_with_a_key_kept_in_the_data_dir) {
  auto dir = temp_dir("visit-sb");
  std::string sealed;
  {
    secret_box box(dir);
    sealed = box.seal("JBSWY3DPEHPK3PXP");
    EXPECT_EQ(sealed.rfind("v1:", 0), 0u);
    EXPECT_EQ(sealed.find("JBSWY3DPEHPK3PXP"), std::string::npos);
    EXPECT_NE(box.seal("JBSWY3DPEHPK3PXP"), sealed) << "a fresh nonce each time";
    EXPECT_EQ(box.open(sealed), "JBSWY3DPEHPK3PXP");
  }
  EXPECT_EQ(fs::file_size(dir / "secrets.key"), 32u);
  EXPECT_EQ(fs::status(dir / "secrets.key").permissions() &
                (fs::perms::group_all | fs::perms::others_all),
            fs::perms::none);
  secret_box again(dir);  // the same key is loaded
  EXPECT_EQ(again.open(sealed), "JBSWY3DPEHPK3PXP");
  auto tampered = sealed;
  tampered.back() = tampered.back() == '0' ? '1' : '0';
  EXPECT_FALSE(again.open(tampered));
  EXPECT_FALSE(again.open("v1:00"));
  EXPECT_FALSE(again.open("plain"));
  auto other = temp_dir("visit-sb");
  EXPECT_FALSE(secret_box(other).open(sealed)) << "another data dir, another key";
  std::ofstream(dir / "secrets.key", std::ios::trunc) << "short";
  EXPECT_THROW(secret_box{dir}, std::runtime_error);
  fs::remove_all(dir);
  fs::remove_all(other);
}

// --- store ------------------------------------------------------------------------------

TEST(store_accounts, new_columns_and_user_changes) {
  auto dir = temp_dir("visit-store");
  store db(dir / "visit.db");
  EXPECT_EQ(db.schema_version(), store::current_schema_version);
  ASSERT_EQ(db.add_user("alice", "admin", "h1", 100), store::add_result::added);
  ASSERT_EQ(db.add_user("bob", "technician", "h2", 200), store::add_result::added);
  auto bob = db.find_user("bob");
  ASSERT_TRUE(bob);
  EXPECT_FALSE(bob->disabled);
  EXPECT_FALSE(bob->totp_enabled());
  EXPECT_EQ(bob->totp_last_step, 0);
  EXPECT_FALSE(bob->last_login_at);
  EXPECT_FALSE(bob->password_changed_at);

  EXPECT_EQ(db.set_role("bob", "senior"), store::change_result::changed);
  EXPECT_EQ(db.set_disabled("bob", true), store::change_result::changed);
  EXPECT_EQ(db.set_password_hash("bob", "h3", 300), store::change_result::changed);
  EXPECT_EQ(db.set_role("nobody", "senior"), store::change_result::no_user);
  EXPECT_EQ(db.set_disabled("nobody", true), store::change_result::no_user);
  db.set_last_login(bob->id, 400);
  bob = db.find_user_by_id(bob->id);
  ASSERT_TRUE(bob);
  EXPECT_EQ(bob->role, "senior");
  EXPECT_TRUE(bob->disabled);
  EXPECT_EQ(bob->password_hash, "h3");
  EXPECT_EQ(bob->password_changed_at, 300);
  EXPECT_EQ(bob->last_login_at, 400);

  // TOTP: pending, enabled with the step of its code, steps only go forward, cleared.
  EXPECT_EQ(db.set_totp_pending(bob->id, "v1:pending"), store::change_result::changed);
  EXPECT_EQ(db.find_user("bob")->totp_pending, "v1:pending");
  EXPECT_EQ(db.enable_totp(bob->id, "v1:secret", 1000), store::change_result::changed);
  bob = db.find_user("bob");
  EXPECT_TRUE(bob->totp_enabled());
  EXPECT_TRUE(bob->totp_pending.empty());
  EXPECT_EQ(bob->totp_last_step, 1000);
  EXPECT_FALSE(db.advance_totp_step(bob->id, 1000)) << "replay";
  EXPECT_FALSE(db.advance_totp_step(bob->id, 999));
  EXPECT_TRUE(db.advance_totp_step(bob->id, 1001));
  EXPECT_EQ(db.clear_totp("bob"), store::change_result::changed);
  EXPECT_FALSE(db.find_user("bob")->totp_enabled());
  EXPECT_EQ(db.clear_totp("nobody"), store::change_result::no_user);

  auto list = db.list_users();
  ASSERT_EQ(list.size(), 2u);
  EXPECT_EQ(list[0].username, "alice");
  EXPECT_EQ(list[1].username, "bob");
  fs::remove_all(dir);
}

TEST(store_accounts, the_last_enabled_admin_cannot_be_demoted_or_disabled) {
  auto dir = temp_dir("visit-store");
  store db(dir / "visit.db");
  db.add_user("alice", "admin", "h", 1);
  db.add_user("carol", "admin", "h", 1);
  db.add_user("bob", "technician", "h", 1);
  EXPECT_EQ(db.set_disabled("carol", true), store::change_result::changed);
  // alice is now the last enabled admin (carol is an admin, but disabled).
  EXPECT_EQ(db.set_role("alice", "senior"), store::change_result::last_admin);
  EXPECT_EQ(db.set_disabled("alice", true), store::change_result::last_admin);
  EXPECT_EQ(db.find_user("alice")->role, "admin");
  EXPECT_FALSE(db.find_user("alice")->disabled);
  // A disabled admin may be demoted; others are unaffected.
  EXPECT_EQ(db.set_role("carol", "technician"), store::change_result::changed);
  EXPECT_EQ(db.set_disabled("bob", true), store::change_result::changed);
  // With a second enabled admin, alice may go.
  EXPECT_EQ(db.set_role("bob", "admin"), store::change_result::changed);
  EXPECT_EQ(db.set_disabled("bob", false), store::change_result::changed);
  EXPECT_EQ(db.set_role("alice", "technician"), store::change_result::changed);
  EXPECT_EQ(db.set_disabled("bob", true), store::change_result::last_admin);
  fs::remove_all(dir);
}

TEST(store_accounts, a_version_1_database_is_migrated_keeping_its_users) {
  auto dir = temp_dir("visit-store");
  {
    // What a version-1 server wrote.
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
      INSERT INTO users(username, role, password_hash, created_at) VALUES('old', 'admin', 'h', 5);
    )sql";
    ASSERT_EQ(sqlite3_exec(raw, v1, nullptr, nullptr, nullptr), SQLITE_OK);
    sqlite3_close(raw);
  }
  store db(dir / "visit.db");
  EXPECT_EQ(db.schema_version(), store::current_schema_version);
  auto old = db.find_user("old");
  ASSERT_TRUE(old);
  EXPECT_EQ(old->role, "admin");
  EXPECT_FALSE(old->disabled);
  EXPECT_FALSE(old->totp_enabled());
  fs::remove_all(dir);
}

// --- login sessions ---------------------------------------------------------------------

struct fake_clock {
  steady_time now{std::chrono::hours(1000)};
  steady_clock_fn fn() {
    return [this] { return now; };
  }
};

TEST(login_sessions, configured_idle_and_absolute_timeouts) {
  init_crypto();
  fake_clock clock;
  login_sessions s(clock.fn(), 5min, 1h);
  auto a = s.create(1, "alice", "admin");
  clock.now += 4min;
  EXPECT_TRUE(s.find(a.token));
  clock.now += 5min;
  EXPECT_FALSE(s.find(a.token)) << "idle for 5 min";
  auto b = s.create(1, "alice", "admin");
  for (int i = 0; i < 14; ++i) {
    clock.now += 4min;
    ASSERT_TRUE(s.find(b.token)) << i;
  }
  clock.now += 4min;  // 60 min after login
  EXPECT_FALSE(s.find(b.token)) << "absolute 1 h";
}

TEST(login_sessions, ending_a_users_sessions_keeps_others_and_the_current_one) {
  fake_clock clock;
  login_sessions s(clock.fn());
  auto a1 = s.create(1, "alice", "admin");
  auto a2 = s.create(1, "alice", "admin");
  auto a3 = s.create(1, "alice", "admin");
  auto b = s.create(2, "bob", "technician");
  auto gone = s.remove_user(1, a1.s.key);
  EXPECT_EQ(gone.size(), 2u);
  EXPECT_TRUE(s.find(a1.token));
  EXPECT_FALSE(s.find(a2.token));
  EXPECT_FALSE(s.find(a3.token));
  EXPECT_TRUE(s.find(b.token));
  s.set_role(2, "senior");
  EXPECT_EQ(s.find(b.token)->role, "senior");
  EXPECT_EQ(s.remove_user(1).size(), 1u);
  EXPECT_EQ(s.size(), 1u);
}

// --- throttling (T6) --------------------------------------------------------------------

TEST(login_throttle, t6_no_more_than_a_few_undelayed_failures_from_one_address) {
  // An attacker at one address cycles through 1000 user names as fast as the server lets
  // it: count the failures it gets checked without a delay having passed.
  fake_clock clock;
  login_throttle t(clock.fn());
  int checked = 0, refused = 0, undelayed_run = 0, longest_undelayed_run = 0;
  for (int i = 0; i < 1000; ++i) {
    std::string name = "user" + std::to_string(i);
    if (t.retry_after("203.0.113.9", name).count() > 0) {
      ++refused;
      undelayed_run = 0;
      clock.now += 10ms;  // the attacker retries at once
      continue;
    }
    ++checked;
    t.record_failure("203.0.113.9", name);
    longest_undelayed_run = std::max(longest_undelayed_run, ++undelayed_run);
  }
  // 5 free failures, and the 6th (checked) closes the address.
  EXPECT_LE(longest_undelayed_run, 6) << "free failures per address";
  EXPECT_GT(refused, 900);
  EXPECT_LT(checked, 50) << "10 s of attack checks few passwords";
  // The real user from another address is not affected.
  EXPECT_EQ(t.retry_after("198.51.100.1", "alice").count(), 0);
}

TEST(login_throttle, t6_many_addresses_against_one_user_are_slowed_and_the_user_gets_back_in) {
  fake_clock clock;
  login_throttle t(clock.fn());
  int checked = 0;
  auto start = clock.now;
  for (int i = 0; i < 10000; ++i) {
    std::string addr = "10.1." + std::to_string(i / 250) + "." + std::to_string(i % 250);
    if (t.retry_after(addr, "alice").count() == 0) {
      ++checked;
      t.record_failure(addr, "alice");
    }
    clock.now += 5ms;
  }
  double minutes = std::chrono::duration<double>(clock.now - start).count() / 60;
  // 50 s of attack: 3 free, then delays doubling to 60 s.
  EXPECT_LE(checked, 10) << "over " << minutes << " min";
  // The real user waits out the capped delay (60 s) at most, then gets in.
  auto wait = t.retry_after("192.0.2.7", "alice");
  EXPECT_LE(wait, 60s);
  clock.now += wait;
  EXPECT_EQ(t.retry_after("192.0.2.7", "alice").count(), 0);
  t.record_success("192.0.2.7", "alice");
  EXPECT_EQ(t.retry_after("192.0.2.7", "alice").count(), 0);
}

// --- command line -----------------------------------------------------------------------

TEST(command_line, session_timeouts) {
  auto c = parse_command_line(
      {"--data-dir", "d", "--self-signed", "--idle-timeout", "90", "--absolute-timeout", "2h"});
  auto& o = std::get<serve_options>(c);
  EXPECT_EQ(o.idle_timeout, 90s);
  EXPECT_EQ(o.absolute_timeout, 2h);
  auto d = std::get<serve_options>(parse_command_line({"--data-dir", "d", "--self-signed"}));
  EXPECT_EQ(d.idle_timeout, 30min);
  EXPECT_EQ(d.absolute_timeout, 12h);
  EXPECT_EQ(parse_duration("--x", "15m", 1s, 1h), 15min);
  EXPECT_EQ(parse_duration("--x", "45s", 1s, 1h), 45s);
  for (const char* bad : {"", "0", "-5", "m", "5d", "1.5h", "25h", "99999999999999999999"}) {
    EXPECT_THROW(parse_command_line({"--data-dir", "d", "--self-signed", "--idle-timeout", bad}),
                 usage_error)
        << bad;
  }
  EXPECT_THROW(parse_command_line({"--data-dir", "d", "--self-signed", "--idle-timeout"}),
               usage_error);
}

TEST(command_line, session_code_lifetime_is_at_most_ten_minutes) {
  auto d = std::get<serve_options>(parse_command_line({"--data-dir", "d", "--self-signed"}));
  EXPECT_EQ(d.code_ttl_seconds, 600);
  auto s = std::get<serve_options>(
      parse_command_line({"--data-dir", "d", "--self-signed", "--code-ttl-seconds", "4"}));
  EXPECT_EQ(s.code_ttl_seconds, 4);
  for (const char* bad : {"0", "601", "-1", "x"}) {
    EXPECT_THROW(
        parse_command_line({"--data-dir", "d", "--self-signed", "--code-ttl-seconds", bad}),
        usage_error)
        << bad;
  }
}

TEST(command_line, user_actions) {
  auto list = std::get<user_options>(parse_command_line({"user", "list", "--data-dir", "d"}));
  EXPECT_EQ(list.action, "list");
  EXPECT_TRUE(list.username.empty());
  auto sr = std::get<user_options>(
      parse_command_line({"user", "set-role", "bob", "--role", "senior", "--data-dir", "d"}));
  EXPECT_EQ(sr.action, "set-role");
  EXPECT_EQ(sr.username, "bob");
  EXPECT_EQ(sr.role, "senior");
  for (const char* a : {"disable", "enable", "passwd", "reset-totp"}) {
    auto u = std::get<user_options>(parse_command_line({"user", a, "bob", "--data-dir", "d"}));
    EXPECT_EQ(u.action, a);
    EXPECT_EQ(u.username, "bob");
    EXPECT_THROW(parse_command_line({"user", a, "--data-dir", "d"}), usage_error) << a;
    EXPECT_THROW(parse_command_line({"user", a, "bob", "--role", "admin", "--data-dir", "d"}),
                 usage_error)
        << a;
  }
  EXPECT_THROW(parse_command_line({"user", "set-role", "bob", "--data-dir", "d"}), usage_error);
  EXPECT_THROW(parse_command_line({"user", "delete", "bob", "--data-dir", "d"}), usage_error);
  EXPECT_THROW(parse_command_line({"user", "passwd", "bob", "--password", "x", "--data-dir", "d"}),
               usage_error)
      << "passwords never on the command line";
  EXPECT_THROW(parse_command_line({"user", "disable", "bob"}), usage_error);
}

}  // namespace
}  // namespace visit::server
