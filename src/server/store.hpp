// The embedded store: SQLite in DATA_DIR/visit.db (WAL, synchronous=FULL), versioned
// migrations in table schema_version, prepared statements only (no SQL is ever built from
// input). Holds technician accounts and support requests.
// Thread-safety: every method may be called from any thread; one mutex serialises them.
// Failure: the constructor throws std::runtime_error (start-up only); other methods report
// database errors through their return value and never throw.
#pragma once
#include <sqlite3.h>

#include <cstdint>
#include <filesystem>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visit::server {

struct user_record {
  std::int64_t id = 0;
  std::string username;
  std::string role;  // "admin", "senior" or "technician"
  std::string password_hash;
  std::int64_t created_at = 0;  // Unix seconds
  bool disabled = false;
  std::string totp_secret;   // sealed by secret_box; empty when TOTP is off
  std::string totp_pending;  // sealed; a secret set up but not yet confirmed with a code
  std::int64_t totp_last_step = 0;  // the last accepted TOTP step (replays refused)
  std::optional<std::int64_t> last_login_at;
  std::optional<std::int64_t> password_changed_at;
  bool totp_enabled() const { return !totp_secret.empty(); }
};

struct support_request_record {
  std::string id;  // 32 lowercase hex (128 random bits)
  std::string name;
  std::string description;
  std::string state;  // "waiting", "in_session" or "ended"
  std::int64_t created_at = 0;
  std::optional<std::int64_t> ended_at;
};

class store {
 public:
  // The schema version this binary writes; a newer database is refused.
  static constexpr int current_schema_version = 2;

  enum class add_result { added, duplicate, failed };

  // Opens or creates the database at `path` and applies pending migrations in one
  // transaction. Throws std::runtime_error on any failure.
  explicit store(const std::filesystem::path& path);
  ~store();
  store(const store&) = delete;
  store& operator=(const store&) = delete;

  int schema_version();

  // --- technicians ---
  add_result add_user(std::string_view username, std::string_view role,
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
  change_result set_role(std::string_view username, std::string_view role);
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
  // Sets the state; "ended" also sets ended_at. False when no such request or on error.
  bool set_request_state(std::string_view id, std::string_view state, std::int64_t now);
  std::optional<support_request_record> find_request(std::string_view id);
  // Requests not ended, and those ended at or after `ended_since`, newest first, at most `limit`.
  std::vector<support_request_record> list_requests(std::int64_t ended_since, int limit);
  // Marks every request that is not ended as ended (start-up and shutdown: no customer is
  // connected then). Returns how many changed, or -1 on error.
  int end_open_requests(std::int64_t now);

 private:
  struct statement;
  void exec_script(const char* sql);  // constant SQL only (migrations, pragmas); throws
  void migrate();
  statement& prepared(int index);
  change_result finish_change(statement& st, std::string_view username, const char* what);

  std::mutex mutex_;
  sqlite3* db_ = nullptr;
  std::vector<std::unique_ptr<statement>> statements_;
};

// Unix time in seconds.
std::int64_t unix_now();

}  // namespace visit::server
