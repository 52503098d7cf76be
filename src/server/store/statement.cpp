#include "server/store/statement.hpp"

namespace visit::server {

statement::statement(sqlite3_stmt* s, bool owned, bool* in_use)
    : stmt_(s), owned_(owned), in_use_(in_use) {}

statement::~statement() {
  release();
}

statement::statement(statement&& o) noexcept
    : stmt_(std::exchange(o.stmt_, nullptr)),
      owned_(o.owned_),
      in_use_(std::exchange(o.in_use_, nullptr)),
      code_(o.code_) {}

statement& statement::operator=(statement&& o) noexcept {
  if (this != &o) {
    release();
    stmt_ = std::exchange(o.stmt_, nullptr);
    owned_ = o.owned_;
    in_use_ = std::exchange(o.in_use_, nullptr);
    code_ = o.code_;
  }
  return *this;
}

void statement::release() {
  if (stmt_) {
    if (owned_) {
      sqlite3_finalize(stmt_);
    } else {
      // Ready for the next borrower: no row half-read, no argument left over.
      sqlite3_reset(stmt_);
      sqlite3_clear_bindings(stmt_);
    }
    stmt_ = nullptr;
  }
  if (in_use_) *std::exchange(in_use_, nullptr) = false;
}

void statement::bind_at(int index, std::string_view text) {
  if (!stmt_) return;
  sqlite3_bind_text(stmt_, index, text.data(), static_cast<int>(text.size()), SQLITE_TRANSIENT);
}

void statement::bind_at(int index, std::int64_t value) {
  if (stmt_) sqlite3_bind_int64(stmt_, index, value);
}

void statement::bind_at(int index, std::nullopt_t) {
  if (stmt_) sqlite3_bind_null(stmt_, index);
}

void statement::bind_at(int index, std::span<const std::uint8_t> bytes) {
  if (!stmt_) return;
  // A zero-length blob is still a blob, not NULL: SQLite wants a non-null pointer for that.
  static const std::uint8_t empty = 0;
  sqlite3_bind_blob(stmt_, index, bytes.empty() ? &empty : bytes.data(),
                    static_cast<int>(bytes.size()), SQLITE_TRANSIENT);
}

bool statement::step() {
  if (!stmt_) {
    code_ = SQLITE_MISUSE;
    return false;
  }
  code_ = sqlite3_step(stmt_);
  return code_ == SQLITE_ROW;
}

bool statement::run() {
  while (step()) {
  }
  return done();
}

bool statement::failed() const {
  return !stmt_ || (code_ != SQLITE_OK && code_ != SQLITE_ROW && code_ != SQLITE_DONE);
}

bool statement::unique_violation() const {
  return code_ == SQLITE_CONSTRAINT_UNIQUE || code_ == SQLITE_CONSTRAINT_PRIMARYKEY;
}

bool statement::is_null(int i) const {
  return sqlite3_column_type(stmt_, i) == SQLITE_NULL;
}

template <>
std::string statement::column<std::string>(int i) const {
  auto* p = reinterpret_cast<const char*>(sqlite3_column_text(stmt_, i));
  int n = sqlite3_column_bytes(stmt_, i);  // after the text: its length in that encoding
  return p ? std::string(p, static_cast<std::size_t>(n)) : std::string();
}

template <>
std::int64_t statement::column<std::int64_t>(int i) const {
  return sqlite3_column_int64(stmt_, i);
}

template <>
int statement::column<int>(int i) const {
  return sqlite3_column_int(stmt_, i);
}

template <>
bool statement::column<bool>(int i) const {
  return sqlite3_column_int64(stmt_, i) != 0;
}

template <>
blob statement::column<blob>(int i) const {
  auto* p = static_cast<const std::uint8_t*>(sqlite3_column_blob(stmt_, i));
  int n = sqlite3_column_bytes(stmt_, i);
  return p ? blob(p, p + n) : blob();
}

template <>
std::optional<std::string> statement::column<std::optional<std::string>>(int i) const {
  if (is_null(i)) return std::nullopt;
  return column<std::string>(i);
}

template <>
std::optional<std::int64_t> statement::column<std::optional<std::int64_t>>(int i) const {
  if (is_null(i)) return std::nullopt;
  return column<std::int64_t>(i);
}

}  // namespace visit::server
