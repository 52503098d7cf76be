// The front-door part of the store (schema 2): support requests with their queue, technician,
// answers and collected information; notes, events, invites; queues; wizard versions; session
// codes. Prepared statements only, under the store's one mutex (store.hpp).
#include <array>
#include <stdexcept>

#include "server/auth/crypto_helpers.hpp"
#include "server/log.hpp"
#include "server/store/store.hpp"

namespace visit::server {

namespace {

enum rq_stmt : int {
  r_create,
  r_find,
  r_list,
  r_set_state,
  r_set_final,
  r_end_open,
  r_take,
  r_holder,
  r_assign,
  r_move_queue,
  r_resolve,
  r_reopen,
  r_resume,
  r_add_note,
  r_list_notes,
  r_count_notes,
  r_add_event,
  r_list_events,
  r_add_invite,
  r_is_invited,
  r_list_queues,
  r_find_queue,
  r_add_queue,
  r_update_queue,
  r_current_wizard,
  r_find_wizard,
  r_add_wizard,
  r_add_code,
  r_live_codes,
  r_consume_code,
  r_find_code,
  r_count,
};

constexpr const char* request_columns =
    "id, name, description, state, created_at, ended_at, queue, technician, summary, topic, "
    "answers_json, collected_json, wizard_version, via_code, updated_at, taken_at, resolved_at";

const std::array<std::string, r_count>& rq_sql() {
  static const std::array<std::string, r_count> sql = {
      // r_create
      "INSERT INTO support_requests(id, name, description, state, created_at, queue, technician, "
      "summary, topic, answers_json, collected_json, wizard_version, via_code, resume_token_hash, "
      "updated_at) VALUES(?1, ?2, ?3, 'waiting', ?4, ?5, ?6, ?3, ?7, ?8, ?9, ?10, ?11, ?12, ?4)",
      // r_find
      std::string("SELECT ") + request_columns + " FROM support_requests WHERE id = ?1",
      // r_list
      std::string("SELECT ") + request_columns +
          " FROM support_requests WHERE state IN ('waiting', 'in_session') OR ended_at >= ?1 "
          "ORDER BY created_at DESC, rowid DESC LIMIT ?2",
      // r_set_state: between the open states only
      "UPDATE support_requests SET state = ?2, updated_at = ?3 WHERE id = ?1 "
      "AND state IN ('waiting', 'in_session') AND ?2 IN ('waiting', 'in_session')",
      // r_set_final: a waiting request is abandoned, an open one resolved
      "UPDATE support_requests SET state = ?2, ended_at = ?3, updated_at = ?3, "
      "resolved_at = CASE ?2 WHEN 'resolved' THEN ?3 ELSE resolved_at END "
      "WHERE id = ?1 AND ((?2 = 'abandoned' AND state = 'waiting') OR "
      "(?2 = 'resolved' AND state IN ('waiting', 'in_session')))",
      // r_end_open
      "UPDATE support_requests SET state = 'abandoned', ended_at = ?1, updated_at = ?1 "
      "WHERE state = 'waiting'",
      // r_take: the one atomic step that decides a race between two takes
      "UPDATE support_requests SET state = 'in_session', technician = ?2, taken_at = ?3, "
      "updated_at = ?3 WHERE id = ?1 AND state = 'waiting' "
      "AND (technician IS NULL OR technician = ?2)",
      // r_holder
      "SELECT state, technician FROM support_requests WHERE id = ?1",
      // r_assign
      "UPDATE support_requests SET technician = ?2, updated_at = ?3 WHERE id = ?1 "
      "AND state IN ('waiting', 'in_session')",
      // r_move_queue
      "UPDATE support_requests SET queue = ?2, technician = NULL, state = 'waiting', "
      "updated_at = ?3 WHERE id = ?1 AND state IN ('waiting', 'in_session')",
      // r_resolve
      "UPDATE support_requests SET state = 'resolved', resolved_at = ?2, ended_at = ?2, "
      "updated_at = ?2 WHERE id = ?1 AND state != 'resolved'",
      // r_reopen
      "UPDATE support_requests SET state = 'waiting', ended_at = NULL, resolved_at = NULL, "
      "taken_at = NULL, technician = CASE queue WHEN 'direct' THEN technician ELSE NULL END, "
      "updated_at = ?2 WHERE id = ?1 AND state IN ('resolved', 'abandoned')",
      // r_resume
      "SELECT resume_token_hash FROM support_requests WHERE id = ?1",
      // r_add_note
      "INSERT INTO request_notes(request_id, author, text, at) VALUES(?1, ?2, ?3, ?4)",
      // r_list_notes
      "SELECT author, text, at FROM request_notes WHERE request_id = ?1 ORDER BY id",
      // r_count_notes
      "SELECT COUNT(*) FROM request_notes WHERE request_id = ?1",
      // r_add_event
      "INSERT INTO request_events(request_id, who, what, at) VALUES(?1, ?2, ?3, ?4)",
      // r_list_events
      "SELECT at, who, what FROM request_events WHERE request_id = ?1 ORDER BY id",
      // r_add_invite
      "INSERT OR IGNORE INTO request_invites(request_id, technician, invited_by, at) "
      "VALUES(?1, ?2, ?3, ?4)",
      // r_is_invited
      "SELECT 1 FROM request_invites WHERE request_id = ?1 AND technician = ?2",
      // r_list_queues
      "SELECT name, title, min_role FROM queues ORDER BY name",
      // r_find_queue
      "SELECT name, title, min_role FROM queues WHERE name = ?1",
      // r_add_queue
      "INSERT INTO queues(name, title, min_role) VALUES(?1, ?2, ?3)",
      // r_update_queue
      "UPDATE queues SET title = ?2, min_role = ?3 WHERE name = ?1",
      // r_current_wizard
      "SELECT version, json, created_at, created_by FROM wizard_definitions "
      "ORDER BY version DESC LIMIT 1",
      // r_find_wizard
      "SELECT version, json, created_at, created_by FROM wizard_definitions WHERE version = ?1",
      // r_add_wizard
      "INSERT INTO wizard_definitions(version, json, created_at, created_by) "
      "SELECT COALESCE(MAX(version), 0) + 1, ?1, ?2, ?3 FROM wizard_definitions "
      "RETURNING version",
      // r_add_code
      "INSERT INTO session_codes(code_hash, technician, created_at, expires_at) "
      "VALUES(?1, ?2, ?3, ?4)",
      // r_live_codes
      "SELECT COUNT(*) FROM session_codes WHERE technician = ?1 AND used_at IS NULL "
      "AND expires_at > ?2",
      // r_consume_code: single use, decided by one UPDATE
      "UPDATE session_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL "
      "AND expires_at > ?2 RETURNING technician",
      // r_find_code
      "SELECT technician, created_at, expires_at, used_at FROM session_codes "
      "WHERE code_hash = ?1",
  };
  return sql;
}

std::string text_at(sqlite3_stmt* s, int col) {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(s, col));
  int n = sqlite3_column_bytes(s, col);
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

std::optional<std::int64_t> int_or_null(sqlite3_stmt* s, int col) {
  if (sqlite3_column_type(s, col) == SQLITE_NULL) return std::nullopt;
  return sqlite3_column_int64(s, col);
}

void bind(sqlite3_stmt* s, int i, std::string_view text) {
  sqlite3_bind_text(s, i, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}
void bind(sqlite3_stmt* s, int i, std::int64_t v) {
  sqlite3_bind_int64(s, i, v);
}
void bind(sqlite3_stmt* s, int i, const std::optional<std::string>& v) {
  if (v) {
    bind(s, i, std::string_view(*v));
  } else {
    sqlite3_bind_null(s, i);
  }
}

// Resets the statement when the scope ends.
struct reset_on_exit {
  sqlite3_stmt* s;
  ~reset_on_exit() {
    sqlite3_reset(s);
    sqlite3_clear_bindings(s);
  }
};

support_request_record read_row(sqlite3_stmt* s) {
  support_request_record r;
  r.id = text_at(s, 0);
  r.name = text_at(s, 1);
  r.description = text_at(s, 2);
  r.state = text_at(s, 3);
  r.created_at = sqlite3_column_int64(s, 4);
  r.ended_at = int_or_null(s, 5);
  r.queue = text_at(s, 6);
  if (sqlite3_column_type(s, 7) != SQLITE_NULL) r.technician = text_at(s, 7);
  r.summary = text_at(s, 8);
  r.topic = text_at(s, 9);
  r.answers_json = text_at(s, 10);
  r.collected_json = text_at(s, 11);
  r.wizard_version = sqlite3_column_int64(s, 12);
  r.via_code = sqlite3_column_int64(s, 13) != 0;
  r.updated_at = sqlite3_column_int64(s, 14);
  r.taken_at = int_or_null(s, 15);
  r.resolved_at = int_or_null(s, 16);
  return r;
}

}  // namespace

void store::prepare_request_statements() {
  for (const auto& sql : rq_sql()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &s, nullptr) !=
        SQLITE_OK) {
      throw std::runtime_error(std::string("cannot prepare statement: ") + sqlite3_errmsg(db_));
    }
    request_statements_.push_back(s);
  }
}

sqlite3_stmt* store::rq(int index) {
  return request_statements_[static_cast<std::size_t>(index)];
}

namespace {
// Steps a statement that returns no rows; true on SQLITE_DONE.
bool run_done(sqlite3* db, sqlite3_stmt* s, const char* what) {
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return true;
  log_line(std::string("store error ") + what + ": " + sqlite3_errmsg(db));
  return false;
}
}  // namespace

std::optional<std::string> store::create_request(std::string_view name,
                                                 std::string_view description, std::int64_t now) {
  new_request r;
  r.name = std::string(name);
  r.summary = std::string(description);
  return create_request(r, now);
}

std::optional<std::string> store::create_request(const new_request& r, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_create);
  for (int attempt = 0; attempt < 3; ++attempt) {  // a collision of 128 random bits: never
    reset_on_exit guard{s};
    std::string id = random_hex(16);
    bind(s, 1, std::string_view(id));
    bind(s, 2, std::string_view(r.name));
    bind(s, 3, std::string_view(r.summary));
    bind(s, 4, now);
    bind(s, 5, std::string_view(r.queue));
    bind(s, 6, r.technician);
    bind(s, 7, std::string_view(r.topic));
    bind(s, 8, std::string_view(r.answers_json));
    bind(s, 9, std::string_view(r.collected_json));
    bind(s, 10, r.wizard_version);
    bind(s, 11, static_cast<std::int64_t>(r.via_code ? 1 : 0));
    if (r.resume_token_hash.empty()) {
      sqlite3_bind_null(s, 12);
    } else {
      bind(s, 12, std::string_view(r.resume_token_hash));
    }
    int rc = sqlite3_step(s);
    if (rc == SQLITE_DONE) return id;
    if (rc != SQLITE_CONSTRAINT_PRIMARYKEY) break;
  }
  log_line(std::string("store error create_request: ") + sqlite3_errmsg(db_));
  return std::nullopt;
}

bool store::set_request_state(std::string_view id, std::string_view state, std::int64_t now) {
  std::lock_guard lock(mutex_);
  if (state == "ended") state = "abandoned";
  bool final = state == "abandoned" || state == "resolved";
  auto* s = rq(final ? r_set_final : r_set_state);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, state);
  bind(s, 3, now);
  if (!run_done(db_, s, "set_request_state")) return false;
  return sqlite3_changes(db_) > 0;
}

std::optional<support_request_record> store::find_request(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_find);
  reset_on_exit guard{s};
  bind(s, 1, id);
  if (sqlite3_step(s) == SQLITE_ROW) return read_row(s);
  return std::nullopt;
}

std::vector<support_request_record> store::list_requests(std::int64_t ended_since, int limit) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_list);
  reset_on_exit guard{s};
  bind(s, 1, ended_since);
  bind(s, 2, static_cast<std::int64_t>(limit));
  std::vector<support_request_record> out;
  int rc;
  while ((rc = sqlite3_step(s)) == SQLITE_ROW) out.push_back(read_row(s));
  if (rc != SQLITE_DONE) log_line(std::string("store error list_requests: ") + sqlite3_errmsg(db_));
  return out;
}

int store::end_open_requests(std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_end_open);
  reset_on_exit guard{s};
  bind(s, 1, now);
  if (!run_done(db_, s, "end_open_requests")) return -1;
  return sqlite3_changes(db_);
}

store::take_result store::take_request(std::string_view id, std::string_view technician,
                                       std::int64_t now, std::string* holder) {
  std::lock_guard lock(mutex_);
  {
    auto* s = rq(r_take);
    reset_on_exit guard{s};
    bind(s, 1, id);
    bind(s, 2, technician);
    bind(s, 3, now);
    if (!run_done(db_, s, "take_request")) return take_result::failed;
    if (sqlite3_changes(db_) == 1) return take_result::taken;
  }
  auto* s = rq(r_holder);
  reset_on_exit guard{s};
  bind(s, 1, id);
  if (sqlite3_step(s) != SQLITE_ROW) return take_result::missing;
  std::string state = text_at(s, 0);
  std::string tech = text_at(s, 1);
  if (holder) *holder = tech;
  if (state == "in_session" || (state == "waiting" && !tech.empty())) {
    return take_result::already_taken;
  }
  return take_result::not_waiting;
}

bool store::assign_technician(std::string_view id, std::string_view technician, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_assign);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, technician);
  bind(s, 3, now);
  return run_done(db_, s, "assign_technician") && sqlite3_changes(db_) > 0;
}

bool store::move_to_queue(std::string_view id, std::string_view queue, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_move_queue);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, queue);
  bind(s, 3, now);
  return run_done(db_, s, "move_to_queue") && sqlite3_changes(db_) > 0;
}

bool store::resolve_request(std::string_view id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_resolve);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, now);
  return run_done(db_, s, "resolve_request") && sqlite3_changes(db_) > 0;
}

bool store::reopen_request(std::string_view id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_reopen);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, now);
  return run_done(db_, s, "reopen_request") && sqlite3_changes(db_) > 0;
}

bool store::resume_matches(std::string_view id, std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_resume);
  reset_on_exit guard{s};
  bind(s, 1, id);
  if (sqlite3_step(s) != SQLITE_ROW || sqlite3_column_type(s, 0) == SQLITE_NULL) return false;
  return equal_constant_time(text_at(s, 0), token_hash);
}

bool store::add_note(std::string_view id, std::string_view author, std::string_view text,
                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_note);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, author);
  bind(s, 3, text);
  bind(s, 4, now);
  return run_done(db_, s, "add_note");
}

std::vector<note_record> store::list_notes(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_list_notes);
  reset_on_exit guard{s};
  bind(s, 1, id);
  std::vector<note_record> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    out.push_back({text_at(s, 0), text_at(s, 1), sqlite3_column_int64(s, 2)});
  }
  return out;
}

std::int64_t store::note_count(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_count_notes);
  reset_on_exit guard{s};
  bind(s, 1, id);
  return sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
}

bool store::add_event(std::string_view id, std::string_view who, std::string_view what,
                      std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_event);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, who);
  bind(s, 3, what);
  bind(s, 4, now);
  return run_done(db_, s, "add_event");
}

std::vector<event_record> store::list_events(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_list_events);
  reset_on_exit guard{s};
  bind(s, 1, id);
  std::vector<event_record> out;
  while (sqlite3_step(s) == SQLITE_ROW) {
    out.push_back({sqlite3_column_int64(s, 0), text_at(s, 1), text_at(s, 2)});
  }
  return out;
}

bool store::add_invite(std::string_view id, std::string_view technician, std::string_view by,
                       std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_invite);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, technician);
  bind(s, 3, by);
  bind(s, 4, now);
  return run_done(db_, s, "add_invite");
}

bool store::is_invited(std::string_view id, std::string_view technician) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_is_invited);
  reset_on_exit guard{s};
  bind(s, 1, id);
  bind(s, 2, technician);
  return sqlite3_step(s) == SQLITE_ROW;
}

std::vector<queue_record> store::list_queues() {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_list_queues);
  reset_on_exit guard{s};
  std::vector<queue_record> out;
  while (sqlite3_step(s) == SQLITE_ROW)
    out.push_back({text_at(s, 0), text_at(s, 1), text_at(s, 2)});
  return out;
}

std::optional<queue_record> store::find_queue(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_find_queue);
  reset_on_exit guard{s};
  bind(s, 1, name);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return queue_record{text_at(s, 0), text_at(s, 1), text_at(s, 2)};
}

store::add_result store::add_queue(const queue_record& q) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_queue);
  reset_on_exit guard{s};
  bind(s, 1, std::string_view(q.name));
  bind(s, 2, std::string_view(q.title));
  bind(s, 3, std::string_view(q.min_role));
  int rc = sqlite3_step(s);
  if (rc == SQLITE_DONE) return add_result::added;
  if (rc == SQLITE_CONSTRAINT_PRIMARYKEY || rc == SQLITE_CONSTRAINT_UNIQUE) {
    return add_result::duplicate;
  }
  log_line(std::string("store error add_queue: ") + sqlite3_errmsg(db_));
  return add_result::failed;
}

bool store::update_queue(const queue_record& q) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_update_queue);
  reset_on_exit guard{s};
  bind(s, 1, std::string_view(q.name));
  bind(s, 2, std::string_view(q.title));
  bind(s, 3, std::string_view(q.min_role));
  return run_done(db_, s, "update_queue") && sqlite3_changes(db_) > 0;
}

namespace {
wizard_record read_wizard(sqlite3_stmt* s) {
  return {sqlite3_column_int64(s, 0), text_at(s, 1), sqlite3_column_int64(s, 2), text_at(s, 3)};
}
}  // namespace

std::optional<wizard_record> store::current_wizard() {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_current_wizard);
  reset_on_exit guard{s};
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return read_wizard(s);
}

std::optional<wizard_record> store::find_wizard(std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_find_wizard);
  reset_on_exit guard{s};
  bind(s, 1, version);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return read_wizard(s);
}

std::optional<std::int64_t> store::add_wizard(std::string_view json, std::string_view by,
                                              std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_wizard);
  reset_on_exit guard{s};
  bind(s, 1, json);
  bind(s, 2, now);
  bind(s, 3, by);
  if (sqlite3_step(s) != SQLITE_ROW) {
    log_line(std::string("store error add_wizard: ") + sqlite3_errmsg(db_));
    return std::nullopt;
  }
  std::int64_t v = sqlite3_column_int64(s, 0);
  while (sqlite3_step(s) == SQLITE_ROW) {
  }
  return v;
}

bool store::add_code(std::string_view code_hash, std::string_view technician, std::int64_t now,
                     std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_add_code);
  reset_on_exit guard{s};
  bind(s, 1, code_hash);
  bind(s, 2, technician);
  bind(s, 3, now);
  bind(s, 4, expires_at);
  return run_done(db_, s, "add_code");
}

std::int64_t store::live_code_count(std::string_view technician, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_live_codes);
  reset_on_exit guard{s};
  bind(s, 1, technician);
  bind(s, 2, now);
  return sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : 0;
}

std::optional<std::string> store::consume_code(std::string_view code_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_consume_code);
  reset_on_exit guard{s};
  bind(s, 1, code_hash);
  bind(s, 2, now);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  std::string tech = text_at(s, 0);
  while (sqlite3_step(s) == SQLITE_ROW) {
  }
  return tech;
}

std::optional<code_record> store::find_code(std::string_view code_hash) {
  std::lock_guard lock(mutex_);
  auto* s = rq(r_find_code);
  reset_on_exit guard{s};
  bind(s, 1, code_hash);
  if (sqlite3_step(s) != SQLITE_ROW) return std::nullopt;
  return code_record{text_at(s, 0), sqlite3_column_int64(s, 1), sqlite3_column_int64(s, 2),
                     int_or_null(s, 3)};
}

}  // namespace visit::server
