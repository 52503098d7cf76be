#include "server/store.hpp"

#include <array>
#include <chrono>
#include <stdexcept>

#include "server/crypto_helpers.hpp"
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
    // 1 -> 2: the front door (docs/protocol.md §3.4-§3.6, §8.2, §10). SQLite cannot alter a
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

// Every statement the store runs, prepared once.
enum stmt : int {
  s_get_version,
  s_add_user,
  s_find_user,
  s_user_count,
  s_count,
};

constexpr std::array<const char*, s_count> statement_sql = {
    "SELECT version FROM schema_version",
    "INSERT INTO users(username, role, password_hash, created_at) VALUES(?1, ?2, ?3, ?4)",
    "SELECT id, username, role, password_hash, created_at FROM users WHERE username = ?1",
    "SELECT COUNT(*) FROM users",
};

std::string column_text(sqlite3_stmt* s, int col) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  int n = sqlite3_column_bytes(s, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
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
  if (sqlite3_step(st.s) == SQLITE_ROW) {
    out.emplace();
    out->id = sqlite3_column_int64(st.s, 0);
    out->username = column_text(st.s, 1);
    out->role = column_text(st.s, 2);
    out->password_hash = column_text(st.s, 3);
    out->created_at = sqlite3_column_int64(st.s, 4);
  }
  st.reset();
  return out;
}

std::int64_t store::user_count() {
  std::lock_guard lock(mutex_);
  auto& st = prepared(s_user_count);
  std::int64_t n = sqlite3_step(st.s) == SQLITE_ROW ? sqlite3_column_int64(st.s, 0) : -1;
  st.reset();
  return n;
}

}  // namespace visit::server
