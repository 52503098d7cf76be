// One SQLite statement in use: arguments bound by position from a variadic list, stepped, its
// columns read by type. The only code in the server that binds and steps (with sqlite_db.cpp,
// which opens connections and runs constant scripts through this class).
//
//   auto st = db.get("SELECT name, ended_at FROM t WHERE id = ?1 AND at > ?2");
//   st.bind(id, now);
//   while (st.step()) use(st.column<std::string>(0), st.column<std::optional<std::int64_t>>(1));
//   if (st.failed()) log(db.error_message());
//
// Ownership: a statement borrowed from sqlite_db's cache is reset and its bindings cleared
// when this object goes out of scope (so the cached statement is ready for the next caller);
// an uncached one (sqlite_db::prepare) is finalised instead. Move-only. A statement whose SQL
// did not compile is empty (`!st`): binding does nothing, step() returns false, failed() is
// true.
// Thread-safety: none of its own; it belongs to its connection's thread or lock (sqlite_db).
#pragma once
#include <sqlite3.h>

#include <concepts>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

namespace visit::server {

// A blob as its bytes (bind a std::span<const std::uint8_t>, read column<blob>).
using blob = std::vector<std::uint8_t>;

// An enum with a `to_string(E)` found by argument-dependent lookup binds as that word, so
// typed words (technician_role, request_state, ...) become strings only here, at the SQL edge.
template <class E>
concept sql_word = std::is_enum_v<E> && requires(E e) {
  { to_string(e) } -> std::convertible_to<std::string_view>;
};

class statement {
 public:
  statement() = default;
  // `s` may be null (the SQL did not compile). `owned`: finalise on destruction, else reset.
  statement(sqlite3_stmt* s, bool owned, bool* in_use = nullptr);
  ~statement();
  statement(statement&& o) noexcept;
  statement& operator=(statement&& o) noexcept;
  statement(const statement&) = delete;
  statement& operator=(const statement&) = delete;

  explicit operator bool() const { return stmt_ != nullptr; }

  // Binds args to ?1, ?2, ... in order. Supported: std::string_view (and what converts to it),
  // std::int64_t and other integers, bool (0/1), std::nullopt / std::nullptr_t (NULL),
  // std::optional<T> of any of these (NULL when empty), std::span<const std::uint8_t> (blob),
  // and sql_word enums (their word). Text and blobs are copied.
  template <class... Args>
  statement& bind(const Args&... args) {
    int i = 0;
    (bind_at(++i, args), ...);
    return *this;
  }
  void bind_at(int index, std::string_view text);
  void bind_at(int index, const std::string& text) { bind_at(index, std::string_view(text)); }
  void bind_at(int index, const char* text) { bind_at(index, std::string_view(text)); }
  void bind_at(int index, std::int64_t value);
  void bind_at(int index, bool value) { bind_at(index, std::int64_t{value ? 1 : 0}); }
  template <std::integral I>
  requires(!std::same_as<I, bool> && !std::same_as<I, std::int64_t>) void bind_at(int index,
                                                                                  I value) {
    bind_at(index, static_cast<std::int64_t>(value));
  }
  void bind_at(int index, std::nullopt_t);
  void bind_at(int index, std::nullptr_t) { bind_at(index, std::nullopt); }
  void bind_at(int index, std::span<const std::uint8_t> bytes);
  template <sql_word E>
  void bind_at(int index, E word) {
    bind_at(index, std::string_view(to_string(word)));
  }
  template <class T>
  void bind_at(int index, const std::optional<T>& value) {
    if (value) {
      bind_at(index, *value);
    } else {
      bind_at(index, std::nullopt);
    }
  }

  // Advances to the next row: true when there is one. False when done or on an error
  // (failed() tells them apart).
  bool step();
  // Steps until done (rows of a RETURNING clause are skipped): true on success.
  bool run();
  // Binds `args` then runs.
  template <class... Args>
  bool run(const Args&... args) {
    bind(args...);
    return run();
  }

  // The extended result code of the last step (SQLITE_OK before any).
  int code() const { return code_; }
  bool done() const { return code_ == SQLITE_DONE; }
  // The last step ended in an error (or the statement is empty).
  bool failed() const;
  // A UNIQUE or PRIMARY KEY constraint refused the last step.
  bool unique_violation() const;

  // Column `i` of the current row. std::string and blob read NULL as empty, integers and bool
  // as 0; std::optional<T> reads NULL as nullopt.
  template <class T>
  T column(int i) const;
  bool is_null(int i) const;

 private:
  void release();

  sqlite3_stmt* stmt_ = nullptr;
  bool owned_ = false;
  bool* in_use_ = nullptr;  // the cache's flag for this statement; cleared on release
  int code_ = SQLITE_OK;
};

template <>
std::string statement::column<std::string>(int i) const;
template <>
std::int64_t statement::column<std::int64_t>(int i) const;
template <>
int statement::column<int>(int i) const;
template <>
bool statement::column<bool>(int i) const;
template <>
blob statement::column<blob>(int i) const;
template <>
std::optional<std::string> statement::column<std::optional<std::string>>(int i) const;
template <>
std::optional<std::int64_t> statement::column<std::optional<std::int64_t>>(int i) const;

}  // namespace visit::server
