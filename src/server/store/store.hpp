// The embedded store: SQLite in DATA_DIR/visit.db (WAL, synchronous=FULL), versioned
// migrations in table schema_version, prepared statements only (no SQL is ever built from
// input). Holds technician accounts, support requests and the audit log's table (written by
// audit_log on its own connection).
// Thread-safety: every method may be called from any thread; one mutex serialises them (and
// so every use of the connection and its cached statements, sqlite_db.hpp).
// Failure: the constructor throws std::runtime_error (start-up only, every statement is
// prepared there); other methods report database errors through their return value and never
// throw.
// Words: roles and request states are typed here (technician_role, request_state) and become
// SQL words only when bound. The *_word overloads take the words as the command line and
// tests hold them; an unknown word fails as the database's CHECK constraint would.
#pragma once
#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "server/auth/roles.hpp"
#include "server/store/request_state.hpp"
#include "server/store/sqlite_db.hpp"

namespace visit::server {

struct user_record {
  std::int64_t id = 0;
  std::string username;
  technician_role role = technician_role::technician;
  std::string password_hash;
  std::int64_t created_at = 0;  // Unix seconds
  bool disabled = false;
  std::string totp_secret;          // sealed by secret_box; empty when TOTP is off
  std::string totp_pending;         // sealed; a secret set up but not yet confirmed with a code
  std::int64_t totp_last_step = 0;  // the last accepted TOTP step (replays refused)
  std::optional<std::int64_t> last_login_at;
  std::optional<std::int64_t> password_changed_at;
  bool totp_enabled() const { return !totp_secret.empty(); }
};

struct support_request_record {
  std::string id;  // 32 lowercase hex (128 random bits)
  std::string name;
  std::string description;  // the summary line (viewers' hello calls it description)
  request_state state = request_state::waiting;
  std::int64_t created_at = 0;
  std::optional<std::int64_t> ended_at;  // resolved or abandoned at
  // The front door (schema 2).
  std::string queue = "general";  // a queue name, or "direct" for a session-code request
  std::optional<std::string> technician;
  std::string summary;
  std::string topic;
  std::string answers_json = "{}";    // as received from the customer
  std::string collected_json = "{}";  // as received from the customer
  std::int64_t wizard_version = 0;
  bool via_code = false;
  std::int64_t updated_at = 0;
  std::optional<std::int64_t> taken_at;
  std::optional<std::int64_t> resolved_at;
};

// What a customer's support_request becomes (schema 2).
struct new_request {
  std::string name;
  std::string summary;
  std::string topic;
  std::string queue = "general";
  std::optional<std::string> technician;  // set for a code request (queue "direct")
  std::string answers_json = "{}";
  std::string collected_json = "{}";
  std::int64_t wizard_version = 0;
  bool via_code = false;
  std::string resume_token_hash;  // SHA-256 hex of the resume token
};

struct queue_record {
  std::string name;
  std::string title;
  // The word as stored (CHECK: a role's word); kept a word so that a record made from a
  // request body reaches the database as sent. required_role() is the typed view.
  std::string min_role;
  std::optional<technician_role> required_role() const { return parse_role(min_role); }
};

struct note_record {
  std::string author;
  std::string text;
  std::int64_t at = 0;
};

struct event_record {
  std::int64_t at = 0;
  std::string who;
  std::string what;
};

struct wizard_record {
  std::int64_t version = 0;
  std::string json;
  std::int64_t created_at = 0;
  std::string created_by;
};

struct code_record {
  std::string technician;
  std::int64_t created_at = 0;
  std::int64_t expires_at = 0;
  std::optional<std::int64_t> used_at;
};

class store {
 public:
  // The schema version this binary writes; a newer database is refused.
  static constexpr int current_schema_version = 4;

  enum class add_result { added, duplicate, failed };

  // Opens or creates the database at `path` and applies pending migrations in one
  // transaction. Throws std::runtime_error on any failure.
  explicit store(const std::filesystem::path& path);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  int schema_version();

  // --- technicians ---
  add_result add_user(std::string_view username, technician_role role,
                      std::string_view password_hash, std::int64_t now);
  add_result add_user(std::string_view username, std::string_view role_word,
                      std::string_view password_hash, std::int64_t now);
  std::optional<user_record> find_user(std::string_view username);
  std::int64_t user_count();
  std::optional<user_record> find_user_by_id(std::int64_t id);
  // Every user, by name.
  std::vector<user_record> list_users();

  // Changes of one user. `changed` when done; `no_user` when there is no such user;
  // `last_admin` when the change would leave no enabled admin (checked in the same SQL
  // statement, so two admins demoting each other at once cannot both succeed).
  enum class change_result { changed, no_user, last_admin, failed };
  change_result set_role(std::string_view username, technician_role role);
  change_result set_role(std::string_view username, std::string_view role_word);
  change_result set_disabled(std::string_view username, bool disabled);
  change_result set_password_hash(std::string_view username, std::string_view password_hash,
                                  std::int64_t now);
  // TOTP: the pending (sealed) secret of a setup; enabling moves it to totp_secret with the
  // step its confirming code used; clearing removes both (disable, admin reset).
  change_result set_totp_pending(std::int64_t user_id, std::string_view sealed);
  change_result enable_totp(std::int64_t user_id, std::string_view sealed, std::int64_t step);
  change_result clear_totp(std::string_view username);
  // Records `step` as the last accepted TOTP step when it is later than the stored one;
  // false when it is not (a replay racing another login) or on error.
  bool advance_totp_step(std::int64_t user_id, std::int64_t step);
  void set_last_login(std::int64_t user_id, std::int64_t now);

  // --- support requests ---
  // A new "waiting" request with a fresh random id; nullopt on a database error.
  std::optional<std::string> create_request(std::string_view name, std::string_view description,
                                            std::int64_t now);
  std::optional<std::string> create_request(const new_request& r, std::int64_t now);
  // Sets the state. A resolved or abandoned request changes only through reopen_request; only
  // a waiting request is abandoned. False when no such request, it is final, or on error.
  bool set_request_state(std::string_view id, request_state state, std::int64_t now);
  // The word form; "ended" is the old word for "abandoned"; an unknown word is false.
  bool set_request_state(std::string_view id, std::string_view state_word, std::int64_t now);
  std::optional<support_request_record> find_request(std::string_view id);
  // Requests not ended, and those ended at or after `ended_since`, newest first, at most `limit`.
  std::vector<support_request_record> list_requests(std::int64_t ended_since, int limit);
  // Marks every waiting request abandoned (start-up and shutdown: no customer is connected
  // then); in_session ones stay. Returns how many changed, or -1 on error.
  int end_open_requests(std::int64_t now);

  enum class take_result { taken, already_taken, not_waiting, missing, failed };
  // One atomic UPDATE: waiting -> in_session with `technician`, only if the request is still
  // waiting and not assigned to someone else. `holder` gets the current technician otherwise.
  take_result take_request(std::string_view id, std::string_view technician, std::int64_t now,
                           std::string* holder);
  // Assigns to a technician (state unchanged) or to a queue (technician cleared, in_session ->
  // waiting). False when the request is missing or resolved/abandoned.
  bool assign_technician(std::string_view id, std::string_view technician, std::int64_t now);
  bool move_to_queue(std::string_view id, std::string_view queue, std::int64_t now);
  // Any open state -> resolved. False when already resolved or missing.
  bool resolve_request(std::string_view id, std::int64_t now);
  // resolved/abandoned -> waiting (technician kept only for "direct" requests).
  bool reopen_request(std::string_view id, std::int64_t now);
  // The request named by a resume attempt: id and SHA-256 of the token must match.
  bool resume_matches(std::string_view id, std::string_view token_hash);

  bool add_note(std::string_view id, std::string_view author, std::string_view text,
                std::int64_t now);
  std::vector<note_record> list_notes(std::string_view id);
  std::int64_t note_count(std::string_view id);
  bool add_event(std::string_view id, std::string_view who, std::string_view what,
                 std::int64_t now);
  std::vector<event_record> list_events(std::string_view id);
  bool add_invite(std::string_view id, std::string_view technician, std::string_view by,
                  std::int64_t now);
  bool is_invited(std::string_view id, std::string_view technician);

  // --- queues ---
  std::vector<queue_record> list_queues();
  std::optional<queue_record> find_queue(std::string_view name);
  add_result add_queue(const queue_record& q);
  bool update_queue(const queue_record& q);

  // --- wizard definitions ---
  std::optional<wizard_record> current_wizard();
  std::optional<wizard_record> find_wizard(std::int64_t version);
  // Stores a new version (the next number); nullopt on error.
  std::optional<std::int64_t> add_wizard(std::string_view json, std::string_view by,
                                         std::int64_t now);

  // --- session codes (only the keyed hash is stored) ---
  bool add_code(std::string_view code_hash, std::string_view technician, std::int64_t now,
                std::int64_t expires_at);
  std::int64_t live_code_count(std::string_view technician, std::int64_t now);
  // Marks the code used if it is live; returns its technician, else nullopt.
  std::optional<std::string> consume_code(std::string_view code_hash, std::int64_t now);
  std::optional<code_record> find_code(std::string_view code_hash);

 private:
  void migrate();
  // Prepares every statement the store runs (throws naming the first that does not compile).
  void prepare_all();
  void prepare_request_statements();  // store_requests.cpp
  // Runs `st` to completion; false (and a log line naming `what`) on a database error.
  bool finish(statement& st, const char* what);
  change_result finish_change(statement& st, std::string_view username, const char* what);

  std::mutex mutex_;
  sqlite_db db_;  // guarded by mutex_
};

// Unix time in seconds.
std::int64_t unix_now();

}  // namespace visit::server
