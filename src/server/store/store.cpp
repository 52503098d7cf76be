#include "server/store/store.hpp"

#include <array>
#include <chrono>
#include <stdexcept>

#include "server/auth/crypto_helpers.hpp"
#include "server/log.hpp"

namespace visit::server {

namespace {

// Migration N brings the schema from version N to N + 1. Append only; never edit one that
// has shipped.
constexpr std::array<const char*, store::current_schema_version> migrations = {
    // 0 -> 1: technicians and support requests.
    R"sql(
      CREATE TABLE users(
        id INTEGER PRIMARY KEY,
        username TEXT NOT NULL UNIQUE,
        role TEXT NOT NULL CHECK (role IN ('admin', 'senior', 'technician')),
        password_hash TEXT NOT NULL,
        created_at INTEGER NOT NULL);
      CREATE TABLE support_requests(
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL,
        state TEXT NOT NULL CHECK (state IN ('waiting', 'in_session', 'ended')),
        created_at INTEGER NOT NULL,
        ended_at INTEGER);
      CREATE INDEX support_requests_by_state ON support_requests(state, created_at);
    )sql",
    // 1 -> 2: the audit log (server/audit_log.hpp). Append-only: the triggers stop updates and
    // deletes through SQLite; the HMAC chain in `hash` shows any change made around them.
    R"sql(
      CREATE TABLE audit_events(
        seq INTEGER PRIMARY KEY,
        at_us INTEGER NOT NULL,
        request_id TEXT NOT NULL,
        technician TEXT NOT NULL,
        kind TEXT NOT NULL,
        detail TEXT NOT NULL,
        hash TEXT NOT NULL);
      CREATE INDEX audit_events_by_request ON audit_events(request_id, seq);
      CREATE TRIGGER audit_events_no_update BEFORE UPDATE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
      CREATE TRIGGER audit_events_no_delete BEFORE DELETE ON audit_events
        BEGIN SELECT RAISE(ABORT, 'audit_events is append-only'); END;
    )sql",
    // 2 -> 3: accounts — disabled users, the TOTP second factor (secrets sealed with DATA_DIR/
    // secrets.key), the last accepted TOTP step, login and password-change times.
    R"sql(
      ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0 CHECK (disabled IN (0, 1));
      ALTER TABLE users ADD COLUMN totp_secret TEXT;
      ALTER TABLE users ADD COLUMN totp_pending TEXT;
      ALTER TABLE users ADD COLUMN totp_last_step INTEGER NOT NULL DEFAULT 0;
      ALTER TABLE users ADD COLUMN last_login_at INTEGER;
      ALTER TABLE users ADD COLUMN password_changed_at INTEGER;
    )sql",
    // 3 -> 4: the front door (docs/protocol.md §3.4-§3.6, §8.2, §10). SQLite cannot alter a
    // CHECK constraint, so support_requests is rebuilt; old rows are copied, `ended` becomes
    // `abandoned`, the description becomes the summary.
    R"sql(
      CREATE TABLE support_requests_v2(
        id TEXT PRIMARY KEY,
        name TEXT NOT NULL,
        description TEXT NOT NULL DEFAULT '',
        state TEXT NOT NULL
          CHECK (state IN ('waiting', 'in_session', 'resolved', 'abandoned')),
        created_at INTEGER NOT NULL,
        ended_at INTEGER,
        queue TEXT NOT NULL DEFAULT 'general',
        technician TEXT,
        summary TEXT NOT NULL DEFAULT '',
        topic TEXT NOT NULL DEFAULT '',
        answers_json TEXT NOT NULL DEFAULT '{}',
        collected_json TEXT NOT NULL DEFAULT '{}',
        wizard_version INTEGER NOT NULL DEFAULT 0,
        via_code INTEGER NOT NULL DEFAULT 0 CHECK (via_code IN (0, 1)),
        resume_token_hash TEXT,
        updated_at INTEGER NOT NULL DEFAULT 0,
        taken_at INTEGER,
        resolved_at INTEGER);
      INSERT INTO support_requests_v2(id, name, description, state, created_at, ended_at, summary,
                                      updated_at)
        SELECT id, name, description,
               CASE state WHEN 'ended' THEN 'abandoned' ELSE state END,
               created_at, ended_at, description, COALESCE(ended_at, created_at)
        FROM support_requests;
      DROP TABLE support_requests;
      ALTER TABLE support_requests_v2 RENAME TO support_requests;
      CREATE INDEX support_requests_by_state ON support_requests(state, created_at);
      CREATE TABLE queues(
        name TEXT PRIMARY KEY,
        title TEXT NOT NULL,
        min_role TEXT NOT NULL CHECK (min_role IN ('technician', 'senior', 'admin')));
      INSERT INTO queues(name, title, min_role) VALUES
        ('general', 'General', 'technician'),
        ('senior', 'Senior team', 'senior');
      CREATE TABLE request_notes(
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES support_requests(id),
        author TEXT NOT NULL,
        text TEXT NOT NULL,
        at INTEGER NOT NULL);
      CREATE INDEX request_notes_by_request ON request_notes(request_id, id);
      CREATE TABLE request_events(
        id INTEGER PRIMARY KEY,
        request_id TEXT NOT NULL REFERENCES support_requests(id),
        at INTEGER NOT NULL,
        who TEXT NOT NULL,
        what TEXT NOT NULL);
      CREATE INDEX request_events_by_request ON request_events(request_id, id);
      CREATE TABLE request_invites(
        request_id TEXT NOT NULL REFERENCES support_requests(id),
        technician TEXT NOT NULL,
        invited_by TEXT NOT NULL,
        at INTEGER NOT NULL,
        PRIMARY KEY (request_id, technician));
      CREATE TABLE session_codes(
        code_hash TEXT PRIMARY KEY,
        technician TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        expires_at INTEGER NOT NULL,
        used_at INTEGER);
      CREATE INDEX session_codes_by_technician ON session_codes(technician, expires_at);
      CREATE TABLE wizard_definitions(
        version INTEGER PRIMARY KEY,
        json TEXT NOT NULL,
        created_at INTEGER NOT NULL,
        created_by TEXT NOT NULL);
    )sql",
};

#define USER_COLUMNS                                                                     \
  "id, username, role, password_hash, created_at, disabled, totp_secret, totp_pending, " \
  "totp_last_step, last_login_at, password_changed_at"

// Every statement of this file, prepared once by the constructor.
namespace sql {
constexpr const char* get_version = "SELECT version FROM schema_version";
constexpr const char* set_version = "UPDATE schema_version SET version = ?1";
constexpr const char* add_user =
    "INSERT INTO users(username, role, password_hash, created_at) VALUES(?1, ?2, ?3, ?4)";
constexpr const char* find_user = "SELECT " USER_COLUMNS " FROM users WHERE username = ?1";
constexpr const char* user_count = "SELECT COUNT(*) FROM users";
constexpr const char* find_user_by_id = "SELECT " USER_COLUMNS " FROM users WHERE id = ?1";
constexpr const char* list_users = "SELECT " USER_COLUMNS " FROM users ORDER BY username";
constexpr const char* user_exists = "SELECT id FROM users WHERE username = ?1";
// Never leaves no enabled admin: a demotion of an enabled admin needs another one.
constexpr const char* set_role =
    "UPDATE users SET role = ?2 WHERE username = ?1 AND (?2 = 'admin' OR role != 'admin' OR "
    "disabled = 1 OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0) > 1)";
constexpr const char* set_disabled =
    "UPDATE users SET disabled = ?2 WHERE username = ?1 AND (?2 = 0 OR role != 'admin' OR "
    "disabled = 1 OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0) > 1)";
constexpr const char* set_password =
    "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE username = ?1";
constexpr const char* set_totp_pending = "UPDATE users SET totp_pending = ?2 WHERE id = ?1";
constexpr const char* enable_totp =
    "UPDATE users SET totp_secret = ?2, totp_pending = NULL, totp_last_step = ?3 WHERE id = ?1";
constexpr const char* clear_totp =
    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 "
    "WHERE username = ?1";
constexpr const char* advance_totp =
    "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2";
constexpr const char* set_last_login = "UPDATE users SET last_login_at = ?2 WHERE id = ?1";

constexpr std::array all = {get_version,     add_user,     find_user,        user_count,
                            find_user_by_id, list_users,   user_exists,      set_role,
                            set_disabled,    set_password, set_totp_pending, enable_totp,
                            clear_totp,      advance_totp, set_last_login};
}  // namespace sql

user_record read_user(const statement& st) {
  user_record u;
  u.id = st.column<std::int64_t>(0);
  u.username = st.column<std::string>(1);
  // The CHECK constraint admits the three words only.
  u.role = parse_role(st.column<std::string>(2)).value_or(technician_role::technician);
  u.password_hash = st.column<std::string>(3);
  u.created_at = st.column<std::int64_t>(4);
  u.disabled = st.column<bool>(5);
  u.totp_secret = st.column<std::string>(6);
  u.totp_pending = st.column<std::string>(7);
  u.totp_last_step = st.column<std::int64_t>(8);
  u.last_login_at = st.column<std::optional<std::int64_t>>(9);
  u.password_changed_at = st.column<std::optional<std::int64_t>>(10);
  return u;
}

}  // namespace

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

store::store(const std::filesystem::path& path) : db_(path, sqlite_db::mode::read_write_create) {
  db_.exec("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
  migrate();
  prepare_all();
}

store::~store() = default;

void store::prepare_all() {
  for (const char* text : sql::all) {
    if (!db_.get(text)) {
      throw std::runtime_error("cannot prepare statement: " + db_.error_message());
    }
  }
  prepare_request_statements();
}

void store::migrate() {
  db_.exec("BEGIN IMMEDIATE;");
  try {
    db_.exec("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);");
    int version = -1;
    {
      auto st = db_.prepare(sql::get_version);
      if (st.step()) version = st.column<int>(0);
    }
    if (version < 0) {
      db_.exec("INSERT INTO schema_version(version) VALUES(0);");
      version = 0;
    }
    if (version > current_schema_version) {
      throw std::runtime_error("database schema version " + std::to_string(version) +
                               " is newer than this visit-server (" +
                               std::to_string(current_schema_version) + ")");
    }
    for (int v = version; v < current_schema_version; ++v) {
      db_.exec(migrations[static_cast<std::size_t>(v)]);
      if (!db_.prepare(sql::set_version).run(v + 1)) {
        throw std::runtime_error("cannot record the schema version");
      }
    }
    db_.exec("COMMIT;");
  } catch (...) {
    db_.try_exec("ROLLBACK");
    throw;
  }
}

bool store::finish(statement& st, const char* what) {
  if (st.run()) return true;
  log_line(std::string("store error ") + what + ": " + db_.error_message());
  return false;
}

int store::schema_version() {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::get_version);
  return st.step() ? st.column<int>(0) : -1;
}

store::add_result store::add_user(std::string_view username, technician_role role,
                                  std::string_view password_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_user);
  if (st.run(username, role, password_hash, now)) return add_result::added;
  if (st.unique_violation()) return add_result::duplicate;
  log_line("store error add_user: " + db_.error_message());
  return add_result::failed;
}

store::add_result store::add_user(std::string_view username, std::string_view role_word,
                                  std::string_view password_hash, std::int64_t now) {
  if (auto role = parse_role(role_word)) return add_user(username, *role, password_hash, now);
  log_line("store error add_user: not a role: " + std::string(role_word.substr(0, 16)));
  return add_result::failed;
}

std::optional<user_record> store::find_user(std::string_view username) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find_user);
  st.bind(username);
  if (st.step()) return read_user(st);
  return std::nullopt;
}

std::optional<user_record> store::find_user_by_id(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find_user_by_id);
  st.bind(id);
  if (st.step()) return read_user(st);
  return std::nullopt;
}

std::vector<user_record> store::list_users() {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::list_users);
  std::vector<user_record> out;
  while (st.step()) out.push_back(read_user(st));
  if (st.failed()) log_line("store error list_users: " + db_.error_message());
  return out;
}

// Runs an UPDATE of one user's row already bound in `st`; `no_user` or `last_admin` when it
// changed nothing (told apart by whether `username` exists).
store::change_result store::finish_change(statement& st, std::string_view username,
                                          const char* what) {
  if (!finish(st, what)) return change_result::failed;
  if (db_.changes() > 0) return change_result::changed;
  auto ex = db_.get(sql::user_exists);
  ex.bind(username);
  return ex.step() ? change_result::last_admin : change_result::no_user;
}

store::change_result store::set_role(std::string_view username, technician_role role) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::set_role);
  st.bind(username, role);
  return finish_change(st, username, "set_role");
}

store::change_result store::set_role(std::string_view username, std::string_view role_word) {
  if (auto role = parse_role(role_word)) return set_role(username, *role);
  log_line("store error set_role: not a role: " + std::string(role_word.substr(0, 16)));
  return change_result::failed;
}

store::change_result store::set_disabled(std::string_view username, bool disabled) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::set_disabled);
  st.bind(username, disabled);
  return finish_change(st, username, "set_disabled");
}

store::change_result store::set_password_hash(std::string_view username,
                                              std::string_view password_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::set_password);
  st.bind(username, password_hash, now);
  auto r = finish_change(st, username, "set_password_hash");
  return r == change_result::last_admin ? change_result::failed : r;
}

store::change_result store::clear_totp(std::string_view username) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::clear_totp);
  st.bind(username);
  auto r = finish_change(st, username, "clear_totp");
  return r == change_result::last_admin ? change_result::failed : r;
}

store::change_result store::set_totp_pending(std::int64_t user_id, std::string_view sealed) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::set_totp_pending);
  st.bind(user_id, sealed);
  if (!finish(st, "set_totp_pending")) return change_result::failed;
  return db_.changes() > 0 ? change_result::changed : change_result::no_user;
}

store::change_result store::enable_totp(std::int64_t user_id, std::string_view sealed,
                                        std::int64_t step) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::enable_totp);
  st.bind(user_id, sealed, step);
  if (!finish(st, "enable_totp")) return change_result::failed;
  return db_.changes() > 0 ? change_result::changed : change_result::no_user;
}

bool store::advance_totp_step(std::int64_t user_id, std::int64_t step) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::advance_totp);
  st.bind(user_id, step);
  return finish(st, "advance_totp_step") && db_.changes() > 0;
}

void store::set_last_login(std::int64_t user_id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::set_last_login);
  st.bind(user_id, now);
  (void)finish(st, "set_last_login");
}

std::int64_t store::user_count() {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::user_count);
  return st.step() ? st.column<std::int64_t>(0) : -1;
}

}  // namespace visit::server
