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

// Every statement the store runs, prepared once.
enum stmt : int {
  s_get_version,
  s_add_user,
  s_find_user,
  s_user_count,
  s_find_user_by_id,
  s_list_users,
  s_user_exists,
  s_set_role,
  s_set_disabled,
  s_set_password,
  s_set_totp_pending,
  s_enable_totp,
  s_clear_totp,
  s_advance_totp,
  s_set_last_login,
  s_count,
};

constexpr std::array<const char*, s_count> statement_sql = {
    "SELECT version FROM schema_version",
    "INSERT INTO users(username, role, password_hash, created_at) VALUES(?1, ?2, ?3, ?4)",
    "SELECT " USER_COLUMNS " FROM users WHERE username = ?1",
    "SELECT COUNT(*) FROM users",
    "SELECT " USER_COLUMNS " FROM users WHERE id = ?1",
    "SELECT " USER_COLUMNS " FROM users ORDER BY username",
    "SELECT id FROM users WHERE username = ?1",
    // Never leaves no enabled admin: a demotion of an enabled admin needs another one.
    "UPDATE users SET role = ?2 WHERE username = ?1 AND (?2 = 'admin' OR role != 'admin' OR "
    "disabled = 1 OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0) > 1)",
    "UPDATE users SET disabled = ?2 WHERE username = ?1 AND (?2 = 0 OR role != 'admin' OR "
    "disabled = 1 OR (SELECT COUNT(*) FROM users WHERE role = 'admin' AND disabled = 0) > 1)",
    "UPDATE users SET password_hash = ?2, password_changed_at = ?3 WHERE username = ?1",
    "UPDATE users SET totp_pending = ?2 WHERE id = ?1",
    "UPDATE users SET totp_secret = ?2, totp_pending = NULL, totp_last_step = ?3 WHERE id = ?1",
    "UPDATE users SET totp_secret = NULL, totp_pending = NULL, totp_last_step = 0 "
    "WHERE username = ?1",
    "UPDATE users SET totp_last_step = ?2 WHERE id = ?1 AND totp_last_step < ?2",
    "UPDATE users SET last_login_at = ?2 WHERE id = ?1",
};

std::string column_text(sqlite3_stmt* s, int col) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  int n = sqlite3_column_bytes(s, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> column_optional_int(sqlite3_stmt* s, int col) {
  if (sqlite3_column_type(s, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s, col);
}

user_record read_user(sqlite3_stmt* s) {
  user_record u;
  u.id = sqlite3_column_int64(s, 0);
  u.username = column_text(s, 1);
  u.role = column_text(s, 2);
  u.password_hash = column_text(s, 3);
  u.created_at = sqlite3_column_int64(s, 4);
  u.disabled = sqlite3_column_int64(s, 5) != 0;
  u.totp_secret = column_text(s, 6);
  u.totp_pending = column_text(s, 7);
  u.totp_last_step = sqlite3_column_int64(s, 8);
  u.last_login_at = column_optional_int(s, 9);
  u.password_changed_at = column_optional_int(s, 10);
  return u;
}

}  // namespace

// A prepared statement, reset and cleared of bindings after each use.
struct store::statement {
  sqlite3_stmt* s = nullptr;
  ~statement() { sqlite3_finalize(s); }
  void bind(int i, std::string_view text) {
    sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
  }
  void bind(int i, std::int64_t v) { sqlite3_bind_int64(s, i, v); }
  void reset() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

std::int64_t unix_now() {
  using namespace std::chrono;
  return duration_cast<seconds>(system_clock::now().time_since_epoch()).count();
}

store::store(const std::filesystem::path& path) {
  int rc =
      sqlite3_open_v2(path.c_str(), &db_,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open database " + path.string() + ": " + why);
  }
  try {
    sqlite3_extended_result_codes(db_, 1);
    sqlite3_busy_timeout(db_, 5000);
    exec_script("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL; PRAGMA foreign_keys=ON;");
    migrate();
    for (const char* sql : statement_sql) {
      auto st = std::make_unique<statement>();
      if (sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &st->s, nullptr) !=
          SQLITE_OK) {
        throw std::runtime_error(std::string("cannot prepare statement: ") + sqlite3_errmsg(db_));
      }
      statements_.push_back(std::move(st));
    }
    prepare_request_statements();
  } catch (...) {
    statements_.clear();  // the destructor does not run when the constructor throws
    for (auto* s : request_statements_) sqlite3_finalize(s);
    sqlite3_close(db_);
    db_ = nullptr;
    throw;
  }
}

store::~store() {
  statements_.clear();
  for (auto* s : request_statements_) sqlite3_finalize(s);
  sqlite3_close(db_);
}

void store::exec_script(const char* sql) {
  // Runs each statement of a constant script in turn (what sqlite3_exec does), through
  // prepare/step so no other path to the database exists.
  const char* tail = sql;
  while (tail && *tail) {
    sqlite3_stmt* s = nullptr;
    const char* next = nullptr;
    if (sqlite3_prepare_v2(db_, tail, -1, &s, &next) != SQLITE_OK) {
      throw std::runtime_error(std::string("database: ") + sqlite3_errmsg(db_));
    }
    tail = next;
    if (!s) continue;  // whitespace or a comment
    int rc;
    while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
    }
    sqlite3_finalize(s);
    if (rc != SQLITE_DONE)
      throw std::runtime_error(std::string("database: ") + sqlite3_errmsg(db_));
  }
}

void store::migrate() {
  exec_script("BEGIN IMMEDIATE;");
  try {
    exec_script("CREATE TABLE IF NOT EXISTS schema_version(version INTEGER NOT NULL);");
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db_, "SELECT version FROM schema_version", -1, &s, nullptr);
    int version = -1;
    if (s && sqlite3_step(s) == SQLITE_ROW) version = sqlite3_column_int(s, 0);
    sqlite3_finalize(s);
    if (version < 0) {
      exec_script("INSERT INTO schema_version(version) VALUES(0);");
      version = 0;
    }
    if (version > current_schema_version) {
      throw std::runtime_error("database schema version " + std::to_string(version) +
                               " is newer than this visit-server (" +
                               std::to_string(current_schema_version) + ")");
    }
    for (int v = version; v < current_schema_version; ++v) {
      exec_script(migrations[static_cast<std::size_t>(v)]);
      sqlite3_stmt* u = nullptr;
      sqlite3_prepare_v2(db_, "UPDATE schema_version SET version = ?1", -1, &u, nullptr);
      sqlite3_bind_int(u, 1, v + 1);
      int rc = sqlite3_step(u);
      sqlite3_finalize(u);
      if (rc != SQLITE_DONE) throw std::runtime_error("cannot record the schema version");
    }
    exec_script("COMMIT;");
  } catch (...) {
    sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
    throw;
  }
}

store::statement& store::prepared(int index) {
  return *statements_[static_cast<std::size_t>(index)];
}

int store::schema_version() {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_get_version);
  int v = sqlite3_step(st.s) == SQLITE_ROW ? sqlite3_column_int(st.s, 0) : -1;
  st.reset();
  return v;
}

store::add_result store::add_user(std::string_view username, std::string_view role,
                                  std::string_view password_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_add_user);
  st.bind(1, username);
  st.bind(2, role);
  st.bind(3, password_hash);
  st.bind(4, now);
  int rc = sqlite3_step(st.s);
  st.reset();
  if (rc == SQLITE_DONE) return add_result::added;
  if (rc == SQLITE_CONSTRAINT_UNIQUE || rc == SQLITE_CONSTRAINT_PRIMARYKEY) {
    return add_result::duplicate;
  }
  log_line(std::string("store error add_user: ") + sqlite3_errmsg(db_));
  return add_result::failed;
}

std::optional<user_record> store::find_user(std::string_view username) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_find_user);
  st.bind(1, username);
  std::optional<user_record> out;
  if (sqlite3_step(st.s) == SQLITE_ROW) out = read_user(st.s);
  st.reset();
  return out;
}

std::optional<user_record> store::find_user_by_id(std::int64_t id) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_find_user_by_id);
  st.bind(1, id);
  std::optional<user_record> out;
  if (sqlite3_step(st.s) == SQLITE_ROW) out = read_user(st.s);
  st.reset();
  return out;
}

std::vector<user_record> store::list_users() {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_list_users);
  std::vector<user_record> out;
  int rc;
  while ((rc = sqlite3_step(st.s)) == SQLITE_ROW) out.push_back(read_user(st.s));
  if (rc != SQLITE_DONE) log_line(std::string("store error list_users: ") + sqlite3_errmsg(db_));
  st.reset();
  return out;
}

// Runs an UPDATE of one user's row already bound in `st`; `no_user` or `last_admin` when it
// changed nothing (told apart by whether `username` exists).
store::change_result store::finish_change(statement& st, std::string_view username,
                                          const char* what) {
  int rc = sqlite3_step(st.s);
  st.reset();
  if (rc != SQLITE_DONE) {
    log_line(std::string("store error ") + what + ": " + sqlite3_errmsg(db_));
    return change_result::failed;
  }
  if (sqlite3_changes(db_) > 0) return change_result::changed;
  auto& ex = prepared(s_user_exists);
  ex.bind(1, username);
  bool exists = sqlite3_step(ex.s) == SQLITE_ROW;
  ex.reset();
  return exists ? change_result::last_admin : change_result::no_user;
}

store::change_result store::set_role(std::string_view username, std::string_view role) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_set_role);
  st.bind(1, username);
  st.bind(2, role);
  return finish_change(st, username, "set_role");
}

store::change_result store::set_disabled(std::string_view username, bool disabled) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_set_disabled);
  st.bind(1, username);
  st.bind(2, std::int64_t{disabled ? 1 : 0});
  return finish_change(st, username, "set_disabled");
}

store::change_result store::set_password_hash(std::string_view username,
                                              std::string_view password_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_set_password);
  st.bind(1, username);
  st.bind(2, password_hash);
  st.bind(3, now);
  auto r = finish_change(st, username, "set_password_hash");
  return r == change_result::last_admin ? change_result::failed : r;
}

store::change_result store::clear_totp(std::string_view username) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_clear_totp);
  st.bind(1, username);
  auto r = finish_change(st, username, "clear_totp");
  return r == change_result::last_admin ? change_result::failed : r;
}

namespace {
store::change_result by_id_result(int rc, sqlite3* db, const char* what) {
  if (rc != SQLITE_DONE) {
    log_line(std::string("store error ") + what + ": " + sqlite3_errmsg(db));
    return store::change_result::failed;
  }
  return sqlite3_changes(db) > 0 ? store::change_result::changed : store::change_result::no_user;
}
}  // namespace

store::change_result store::set_totp_pending(std::int64_t user_id, std::string_view sealed) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_set_totp_pending);
  st.bind(1, user_id);
  st.bind(2, sealed);
  int rc = sqlite3_step(st.s);
  st.reset();
  return by_id_result(rc, db_, "set_totp_pending");
}

store::change_result store::enable_totp(std::int64_t user_id, std::string_view sealed,
                                        std::int64_t step) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_enable_totp);
  st.bind(1, user_id);
  st.bind(2, sealed);
  st.bind(3, step);
  int rc = sqlite3_step(st.s);
  st.reset();
  return by_id_result(rc, db_, "enable_totp");
}

bool store::advance_totp_step(std::int64_t user_id, std::int64_t step) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_advance_totp);
  st.bind(1, user_id);
  st.bind(2, step);
  int rc = sqlite3_step(st.s);
  st.reset();
  return by_id_result(rc, db_, "advance_totp_step") == change_result::changed;
}

void store::set_last_login(std::int64_t user_id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_set_last_login);
  st.bind(1, user_id);
  st.bind(2, now);
  int rc = sqlite3_step(st.s);
  st.reset();
  (void)by_id_result(rc, db_, "set_last_login");
}

std::int64_t store::user_count() {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_user_count);
  std::int64_t n = sqlite3_step(st.s) == SQLITE_ROW ? sqlite3_column_int64(st.s, 0) : -1;
  st.reset();
  return n;
}

}  // namespace visit::server
