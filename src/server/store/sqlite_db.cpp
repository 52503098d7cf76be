#include "server/store/sqlite_db.hpp"

#include <stdexcept>

namespace visit::server {

sqlite_db::sqlite_db(const std::filesystem::path& path, mode m) {
  int flags = SQLITE_OPEN_NOMUTEX;
  switch (m) {
    case mode::read_write_create:
      flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE;
      break;
    case mode::read_write:
      flags |= SQLITE_OPEN_READWRITE;
      break;
    case mode::read_only:
      // SQLite would say "unable to open database file"; say plainly what is wrong.
      if (!std::filesystem::exists(path)) {
        throw std::runtime_error("no database at " + path.string());
      }
      flags |= SQLITE_OPEN_READONLY;
      break;
  }
  int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
  if (rc != SQLITE_OK) {
    std::string why = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
    sqlite3_close(db_);
    db_ = nullptr;
    throw std::runtime_error("cannot open database " + path.string() + ": " + why);
  }
  sqlite3_extended_result_codes(db_, 1);
  sqlite3_busy_timeout(db_, 5000);
}

sqlite_db::~sqlite_db() {
  for (auto& [sql, c] : cache_) sqlite3_finalize(c->stmt);
  sqlite3_close(db_);
}

statement sqlite_db::get(std::string_view sql) {
  auto it = cache_.find(sql);
  if (it == cache_.end()) {
    sqlite3_stmt* s = nullptr;
    if (sqlite3_prepare_v3(db_, sql.data(), static_cast<int>(sql.size()), SQLITE_PREPARE_PERSISTENT,
                           &s, nullptr) != SQLITE_OK ||
        !s) {
      sqlite3_finalize(s);
      return statement();  // not cached: a later call tries again and reports again
    }
    auto entry = std::make_unique<cached>();
    entry->stmt = s;
    it = cache_.emplace(std::string(sql), std::move(entry)).first;
  }
  cached& c = *it->second;
  if (c.in_use) return prepare(sql);
  c.in_use = true;
  return statement(c.stmt, false, &c.in_use);
}

statement sqlite_db::prepare(std::string_view sql) {
  sqlite3_stmt* s = nullptr;
  if (sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &s, nullptr) != SQLITE_OK) {
    sqlite3_finalize(s);
    return statement();
  }
  return statement(s, true);
}

bool sqlite_db::try_exec(std::string_view script) noexcept {
  // Statement by statement (what sqlite3_exec does), through statement so that binding and
  // stepping live in one place.
  const char* tail = script.data();
  const char* end = script.data() + script.size();
  while (tail < end) {
    sqlite3_stmt* s = nullptr;
    const char* next = nullptr;
    if (sqlite3_prepare_v2(db_, tail, static_cast<int>(end - tail), &s, &next) != SQLITE_OK) {
      sqlite3_finalize(s);
      return false;
    }
    tail = next;
    if (!s) continue;  // whitespace or a comment
    statement st(s, true);
    if (!st.run()) return false;
  }
  return true;
}

void sqlite_db::exec(std::string_view script) {
  if (!try_exec(script)) throw std::runtime_error("database: " + error_message());
}

int sqlite_db::changes() const {
  return sqlite3_changes(db_);
}

std::string sqlite_db::error_message() const {
  return sqlite3_errmsg(db_);
}

}  // namespace visit::server
