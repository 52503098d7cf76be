// One SQLite connection and its cache of prepared statements (the store's and the audit
// log's only way to the database). Statements are prepared once per SQL text, on first use,
// and lent out as scoped `statement`s that reset themselves (statement.hpp).
//
// Thread-safety: none. A connection is opened SQLITE_OPEN_NOMUTEX and must be used by one
// thread at a time: the store holds its mutex around every use; the audit log uses its own
// connection from its writer thread only (after start-up). A statement must not outlive its
// sqlite_db.
// Failure: opening throws std::runtime_error; exec() throws on any error (start-up and
// constant scripts only); get()/prepare() never throw: a statement whose SQL does not compile
// is empty and error_message() says why.
#pragma once
#include <sqlite3.h>

#include <cstddef>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <unordered_map>

#include "server/store/statement.hpp"

namespace visit::server {

class sqlite_db {
 public:
  enum class mode {
    read_write_create,  // the store: creates the file
    read_write,         // the audit log's writer: the store has created it
    read_only,          // `audit verify` / `audit list`: the file must exist
  };

  // Opens `path` with extended result codes and a 5 s busy timeout. Throws
  // std::runtime_error("cannot open database PATH: why") (or "no database at PATH" for a
  // read_only open of a missing file).
  sqlite_db(const std::filesystem::path& path, mode m);
  ~sqlite_db();
  sqlite_db(const sqlite_db&) = delete;
  sqlite_db& operator=(const sqlite_db&) = delete;

  // The cached statement for `sql` (prepared on first use, kept until the connection closes),
  // reset and unbound when the returned statement ends. Should the same SQL already be lent
  // out (a nested use), a fresh uncached statement is returned instead, so two users never
  // share one.
  statement get(std::string_view sql);
  // An uncached statement, finalised when it ends (one-off queries).
  statement prepare(std::string_view sql);

  // Runs each statement of a constant script in turn; throws std::runtime_error("database:
  // why") on the first failure.
  void exec(std::string_view script);
  // The same, reporting failure as false (error_message() says why).
  bool try_exec(std::string_view script) noexcept;

  // Rows changed by the last INSERT, UPDATE or DELETE.
  int changes() const;
  std::string error_message() const;
  sqlite3* handle() const { return db_; }

 private:
  struct cached {
    sqlite3_stmt* stmt = nullptr;
    bool in_use = false;
  };
  struct sql_hash {
    using is_transparent = void;  // look up by string_view without a copy
    std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
  };
  sqlite3* db_ = nullptr;
  // unique_ptr: the in_use flags lent to statements keep their address
  std::unordered_map<std::string, std::unique_ptr<cached>, sql_hash, std::equal_to<>> cache_;
};

}  // namespace visit::server
