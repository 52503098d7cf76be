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

#define REQUEST_COLUMNS                                                                     \
  "id, name, description, state, created_at, ended_at, queue, technician, summary, topic, " \
  "answers_json, collected_json, wizard_version, via_code, updated_at, taken_at, resolved_at"

// Every statement of this file, prepared once by the store's constructor.
namespace sql {
constexpr const char* create =
    "INSERT INTO support_requests(id, name, description, state, created_at, queue, technician, "
    "summary, topic, answers_json, collected_json, wizard_version, via_code, resume_token_hash, "
    "updated_at) VALUES(?1, ?2, ?3, 'waiting', ?4, ?5, ?6, ?3, ?7, ?8, ?9, ?10, ?11, ?12, ?4)";
constexpr const char* find = "SELECT " REQUEST_COLUMNS " FROM support_requests WHERE id = ?1";
constexpr const char* list =
    "SELECT " REQUEST_COLUMNS
    " FROM support_requests WHERE state IN ('waiting', 'in_session') OR ended_at >= ?1 "
    "ORDER BY created_at DESC, rowid DESC LIMIT ?2";
// Between the open states only.
constexpr const char* set_state =
    "UPDATE support_requests SET state = ?2, updated_at = ?3 WHERE id = ?1 "
    "AND state IN ('waiting', 'in_session') AND ?2 IN ('waiting', 'in_session')";
// A waiting request is abandoned, an open one resolved.
constexpr const char* set_final =
    "UPDATE support_requests SET state = ?2, ended_at = ?3, updated_at = ?3, "
    "resolved_at = CASE ?2 WHEN 'resolved' THEN ?3 ELSE resolved_at END "
    "WHERE id = ?1 AND ((?2 = 'abandoned' AND state = 'waiting') OR "
    "(?2 = 'resolved' AND state IN ('waiting', 'in_session')))";
constexpr const char* end_open =
    "UPDATE support_requests SET state = 'abandoned', ended_at = ?1, updated_at = ?1 "
    "WHERE state = 'waiting'";
// The one atomic step that decides a race between two takes.
constexpr const char* take =
    "UPDATE support_requests SET state = 'in_session', technician = ?2, taken_at = ?3, "
    "updated_at = ?3 WHERE id = ?1 AND state = 'waiting' "
    "AND (technician IS NULL OR technician = ?2)";
constexpr const char* holder = "SELECT state, technician FROM support_requests WHERE id = ?1";
constexpr const char* assign =
    "UPDATE support_requests SET technician = ?2, updated_at = ?3 WHERE id = ?1 "
    "AND state IN ('waiting', 'in_session')";
constexpr const char* move_queue =
    "UPDATE support_requests SET queue = ?2, technician = NULL, state = 'waiting', "
    "updated_at = ?3 WHERE id = ?1 AND state IN ('waiting', 'in_session')";
constexpr const char* resolve =
    "UPDATE support_requests SET state = 'resolved', resolved_at = ?2, ended_at = ?2, "
    "updated_at = ?2 WHERE id = ?1 AND state != 'resolved'";
constexpr const char* reopen =
    "UPDATE support_requests SET state = 'waiting', ended_at = NULL, resolved_at = NULL, "
    "taken_at = NULL, technician = CASE queue WHEN 'direct' THEN technician ELSE NULL END, "
    "updated_at = ?2 WHERE id = ?1 AND state IN ('resolved', 'abandoned')";
constexpr const char* resume = "SELECT resume_token_hash FROM support_requests WHERE id = ?1";
constexpr const char* add_note =
    "INSERT INTO request_notes(request_id, author, text, at) VALUES(?1, ?2, ?3, ?4)";
constexpr const char* list_notes =
    "SELECT author, text, at FROM request_notes WHERE request_id = ?1 ORDER BY id";
constexpr const char* count_notes = "SELECT COUNT(*) FROM request_notes WHERE request_id = ?1";
constexpr const char* add_event =
    "INSERT INTO request_events(request_id, who, what, at) VALUES(?1, ?2, ?3, ?4)";
constexpr const char* list_events =
    "SELECT at, who, what FROM request_events WHERE request_id = ?1 ORDER BY id";
constexpr const char* add_invite =
    "INSERT OR IGNORE INTO request_invites(request_id, technician, invited_by, at) "
    "VALUES(?1, ?2, ?3, ?4)";
constexpr const char* is_invited =
    "SELECT 1 FROM request_invites WHERE request_id = ?1 AND technician = ?2";
constexpr const char* list_queues = "SELECT name, title, min_role FROM queues ORDER BY name";
constexpr const char* find_queue = "SELECT name, title, min_role FROM queues WHERE name = ?1";
constexpr const char* add_queue = "INSERT INTO queues(name, title, min_role) VALUES(?1, ?2, ?3)";
constexpr const char* update_queue = "UPDATE queues SET title = ?2, min_role = ?3 WHERE name = ?1";
constexpr const char* current_wizard =
    "SELECT version, json, created_at, created_by FROM wizard_definitions "
    "ORDER BY version DESC LIMIT 1";
constexpr const char* find_wizard =
    "SELECT version, json, created_at, created_by FROM wizard_definitions WHERE version = ?1";
constexpr const char* add_wizard =
    "INSERT INTO wizard_definitions(version, json, created_at, created_by) "
    "SELECT COALESCE(MAX(version), 0) + 1, ?1, ?2, ?3 FROM wizard_definitions "
    "RETURNING version";
constexpr const char* add_code =
    "INSERT INTO session_codes(code_hash, technician, created_at, expires_at) "
    "VALUES(?1, ?2, ?3, ?4)";
constexpr const char* live_codes =
    "SELECT COUNT(*) FROM session_codes WHERE technician = ?1 AND used_at IS NULL "
    "AND expires_at > ?2";
// Single use, decided by one UPDATE.
constexpr const char* consume_code =
    "UPDATE session_codes SET used_at = ?2 WHERE code_hash = ?1 AND used_at IS NULL "
    "AND expires_at > ?2 RETURNING technician";
constexpr const char* find_code =
    "SELECT technician, created_at, expires_at, used_at FROM session_codes "
    "WHERE code_hash = ?1";

constexpr std::array all = {
    create,     find,         list,         set_state,      set_final,   end_open,   take,
    holder,     assign,       move_queue,   resolve,        reopen,      resume,     add_note,
    list_notes, count_notes,  add_event,    list_events,    add_invite,  is_invited, list_queues,
    find_queue, add_queue,    update_queue, current_wizard, find_wizard, add_wizard, add_code,
    live_codes, consume_code, find_code};
}  // namespace sql

support_request_record read_request(const statement& st) {
  support_request_record r;
  r.id = st.column<std::string>(0);
  r.name = st.column<std::string>(1);
  r.description = st.column<std::string>(2);
  // The CHECK constraint admits the four words only.
  r.state = parse_request_state(st.column<std::string>(3)).value_or(request_state::abandoned);
  r.created_at = st.column<std::int64_t>(4);
  r.ended_at = st.column<std::optional<std::int64_t>>(5);
  r.queue = st.column<std::string>(6);
  r.technician = st.column<std::optional<std::string>>(7);
  r.summary = st.column<std::string>(8);
  r.topic = st.column<std::string>(9);
  r.answers_json = st.column<std::string>(10);
  r.collected_json = st.column<std::string>(11);
  r.wizard_version = st.column<std::int64_t>(12);
  r.via_code = st.column<bool>(13);
  r.updated_at = st.column<std::int64_t>(14);
  r.taken_at = st.column<std::optional<std::int64_t>>(15);
  r.resolved_at = st.column<std::optional<std::int64_t>>(16);
  return r;
}

queue_record read_queue(const statement& st) {
  return {st.column<std::string>(0), st.column<std::string>(1), st.column<std::string>(2)};
}

wizard_record read_wizard(const statement& st) {
  return {st.column<std::int64_t>(0), st.column<std::string>(1), st.column<std::int64_t>(2),
          st.column<std::string>(3)};
}

}  // namespace

void store::prepare_request_statements() {
  for (const char* text : sql::all) {
    if (!db_.get(text)) {
      throw std::runtime_error("cannot prepare statement: " + db_.error_message());
    }
  }
}

std::optional<std::string> store::create_request(std::string_view name,
                                                 std::string_view description, std::int64_t now) {
  new_request r;
  r.name = std::string(name);
  r.summary = std::string(description);
  return create_request(r, now);
}

std::optional<std::string> store::create_request(const new_request& r, std::int64_t now) {
  std::lock_guard lock(mutex_);
  std::optional<std::string> token_hash;
  if (!r.resume_token_hash.empty()) token_hash = r.resume_token_hash;
  for (int attempt = 0; attempt < 3; ++attempt) {  // a collision of 128 random bits: never
    auto st = db_.get(sql::create);
    std::string id = random_hex(16);
    if (st.run(id, r.name, r.summary, now, r.queue, r.technician, r.topic, r.answers_json,
               r.collected_json, r.wizard_version, r.via_code, token_hash)) {
      return id;
    }
    if (!st.unique_violation()) break;
  }
  log_line("store error create_request: " + db_.error_message());
  return std::nullopt;
}

bool store::set_request_state(std::string_view id, request_state state, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(is_final(state) ? sql::set_final : sql::set_state);
  st.bind(id, state, now);
  return finish(st, "set_request_state") && db_.changes() > 0;
}

bool store::set_request_state(std::string_view id, std::string_view state_word, std::int64_t now) {
  if (state_word == "ended") state_word = to_string(request_state::abandoned);
  auto state = parse_request_state(state_word);
  return state && set_request_state(id, *state, now);
}

std::optional<support_request_record> store::find_request(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find);
  st.bind(id);
  if (st.step()) return read_request(st);
  return std::nullopt;
}

std::vector<support_request_record> store::list_requests(std::int64_t ended_since, int limit) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::list);
  st.bind(ended_since, limit);
  std::vector<support_request_record> out;
  while (st.step()) out.push_back(read_request(st));
  if (st.failed()) log_line("store error list_requests: " + db_.error_message());
  return out;
}

int store::end_open_requests(std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::end_open);
  st.bind(now);
  if (!finish(st, "end_open_requests")) return -1;
  return db_.changes();
}

store::take_result store::take_request(std::string_view id, std::string_view technician,
                                       std::int64_t now, std::string* holder) {
  std::lock_guard lock(mutex_);
  {
    auto st = db_.get(sql::take);
    st.bind(id, technician, now);
    if (!finish(st, "take_request")) return take_result::failed;
    if (db_.changes() == 1) return take_result::taken;
  }
  auto st = db_.get(sql::holder);
  st.bind(id);
  if (!st.step()) return take_result::missing;
  std::string state = st.column<std::string>(0);
  std::string tech = st.column<std::string>(1);
  if (holder) *holder = tech;
  auto s = parse_request_state(state);
  if (s == request_state::in_session || (s == request_state::waiting && !tech.empty())) {
    return take_result::already_taken;
  }
  return take_result::not_waiting;
}

bool store::assign_technician(std::string_view id, std::string_view technician, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::assign);
  st.bind(id, technician, now);
  return finish(st, "assign_technician") && db_.changes() > 0;
}

bool store::move_to_queue(std::string_view id, std::string_view queue, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::move_queue);
  st.bind(id, queue, now);
  return finish(st, "move_to_queue") && db_.changes() > 0;
}

bool store::resolve_request(std::string_view id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::resolve);
  st.bind(id, now);
  return finish(st, "resolve_request") && db_.changes() > 0;
}

bool store::reopen_request(std::string_view id, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::reopen);
  st.bind(id, now);
  return finish(st, "reopen_request") && db_.changes() > 0;
}

bool store::resume_matches(std::string_view id, std::string_view token_hash) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::resume);
  st.bind(id);
  if (!st.step() || st.is_null(0)) return false;
  return equal_constant_time(st.column<std::string>(0), token_hash);
}

bool store::add_note(std::string_view id, std::string_view author, std::string_view text,
                     std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_note);
  st.bind(id, author, text, now);
  return finish(st, "add_note");
}

std::vector<note_record> store::list_notes(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::list_notes);
  st.bind(id);
  std::vector<note_record> out;
  while (st.step()) {
    out.push_back(
        {st.column<std::string>(0), st.column<std::string>(1), st.column<std::int64_t>(2)});
  }
  return out;
}

std::int64_t store::note_count(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::count_notes);
  st.bind(id);
  return st.step() ? st.column<std::int64_t>(0) : 0;
}

bool store::add_event(std::string_view id, std::string_view who, std::string_view what,
                      std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_event);
  st.bind(id, who, what, now);
  return finish(st, "add_event");
}

std::vector<event_record> store::list_events(std::string_view id) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::list_events);
  st.bind(id);
  std::vector<event_record> out;
  while (st.step()) {
    out.push_back(
        {st.column<std::int64_t>(0), st.column<std::string>(1), st.column<std::string>(2)});
  }
  return out;
}

bool store::add_invite(std::string_view id, std::string_view technician, std::string_view by,
                       std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_invite);
  st.bind(id, technician, by, now);
  return finish(st, "add_invite");
}

bool store::is_invited(std::string_view id, std::string_view technician) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::is_invited);
  st.bind(id, technician);
  return st.step();
}

std::vector<queue_record> store::list_queues() {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::list_queues);
  std::vector<queue_record> out;
  while (st.step()) out.push_back(read_queue(st));
  return out;
}

std::optional<queue_record> store::find_queue(std::string_view name) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find_queue);
  st.bind(name);
  if (!st.step()) return std::nullopt;
  return read_queue(st);
}

store::add_result store::add_queue(const queue_record& q) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_queue);
  if (st.run(q.name, q.title, q.min_role)) return add_result::added;
  if (st.unique_violation()) return add_result::duplicate;
  log_line("store error add_queue: " + db_.error_message());
  return add_result::failed;
}

bool store::update_queue(const queue_record& q) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::update_queue);
  st.bind(q.name, q.title, q.min_role);
  return finish(st, "update_queue") && db_.changes() > 0;
}

std::optional<wizard_record> store::current_wizard() {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::current_wizard);
  if (!st.step()) return std::nullopt;
  return read_wizard(st);
}

std::optional<wizard_record> store::find_wizard(std::int64_t version) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find_wizard);
  st.bind(version);
  if (!st.step()) return std::nullopt;
  return read_wizard(st);
}

std::optional<std::int64_t> store::add_wizard(std::string_view json, std::string_view by,
                                              std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_wizard);
  st.bind(json, now, by);
  if (!st.step()) {
    log_line("store error add_wizard: " + db_.error_message());
    return std::nullopt;
  }
  std::int64_t v = st.column<std::int64_t>(0);
  st.run();  // finishes the RETURNING statement
  return v;
}

bool store::add_code(std::string_view code_hash, std::string_view technician, std::int64_t now,
                     std::int64_t expires_at) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::add_code);
  st.bind(code_hash, technician, now, expires_at);
  return finish(st, "add_code");
}

std::int64_t store::live_code_count(std::string_view technician, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::live_codes);
  st.bind(technician, now);
  return st.step() ? st.column<std::int64_t>(0) : 0;
}

std::optional<std::string> store::consume_code(std::string_view code_hash, std::int64_t now) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::consume_code);
  st.bind(code_hash, now);
  if (!st.step()) return std::nullopt;
  std::string tech = st.column<std::string>(0);
  st.run();  // finishes the RETURNING statement: the UPDATE is complete only then
  return tech;
}

std::optional<code_record> store::find_code(std::string_view code_hash) {
  std::lock_guard lock(mutex_);
  auto st = db_.get(sql::find_code);
  st.bind(code_hash);
  if (!st.step()) return std::nullopt;
  return code_record{st.column<std::string>(0), st.column<std::int64_t>(1),
                     st.column<std::int64_t>(2), st.column<std::optional<std::int64_t>>(3)};
}

}  // namespace visit::server
