// The SQLite wrapper (sqlite_db + statement): every bindable type read back by type, NULL
// reads, the cached statement reset for the next user when a scope ends, a nested use of
// the same SQL, constraint and SQL errors.
#include "server/store/statement.hpp"

#include <gtest/gtest.h>

#include <filesystem>
#include <stdexcept>

#include "server/auth/crypto_helpers.hpp"
#include "server/auth/roles.hpp"
#include "server/store/request_state.hpp"
#include "server/store/sqlite_db.hpp"

namespace visit::server {
namespace {

namespace fs = std::filesystem;

class statement_test : public ::testing::Test {
 protected:
  void SetUp() override {
    init_crypto();
    dir = fs::temp_directory_path() / ("visit-statement-" + random_hex(8));
    fs::create_directories(dir);
    db = std::make_unique<sqlite_db>(dir / "t.db", sqlite_db::mode::read_write_create);
    db->exec(
        "CREATE TABLE t(id INTEGER PRIMARY KEY, txt TEXT, num INTEGER, flag INTEGER, bin BLOB, "
        "opt TEXT, word TEXT);");
  }
  void TearDown() override {
    db.reset();
    fs::remove_all(dir);
  }
  fs::path dir;
  std::unique_ptr<sqlite_db> db;
};

constexpr const char* insert_row =
    "INSERT INTO t(id, txt, num, flag, bin, opt, word) VALUES(?1, ?2, ?3, ?4, ?5, ?6, ?7)";
constexpr const char* select_row = "SELECT txt, num, flag, bin, opt, word FROM t WHERE id = ?1";

TEST_F(statement_test, binds_each_type_and_reads_it_back_by_type) {
  const blob bytes = {0x00, 0xFF, 0x10, 0x00};
  std::string with_nul("a\0b", 3);
  ASSERT_TRUE(db->get(insert_row)
                  .run(std::int64_t{1}, with_nul, std::int64_t{1} << 40, true,
                       std::span<const std::uint8_t>(bytes), std::optional<std::string>("set"),
                       technician_role::senior));
  ASSERT_TRUE(db->get(insert_row)
                  .run(2, std::string_view("view"), -7, false, std::span<const std::uint8_t>(),
                       std::nullopt, request_state::in_session));
  ASSERT_TRUE(db->get(insert_row)
                  .run(3, "literal", 0, false, nullptr, std::optional<std::string>(), nullptr));

  auto st = db->get(select_row);
  st.bind(1);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column<std::string>(0), with_nul) << "text is byte-exact, NUL included";
  EXPECT_EQ(st.column<std::int64_t>(1), std::int64_t{1} << 40);
  EXPECT_TRUE(st.column<bool>(2));
  EXPECT_EQ(st.column<blob>(3), bytes);
  EXPECT_EQ(st.column<std::optional<std::string>>(4), "set");
  EXPECT_EQ(st.column<std::string>(5), "senior") << "an enum binds as its word";
  EXPECT_FALSE(st.step());
  EXPECT_TRUE(st.done());
  EXPECT_FALSE(st.failed());
}

TEST_F(statement_test, reads_null_as_empty_zero_or_nullopt) {
  ASSERT_TRUE(
      db->get(insert_row)
          .run(3, nullptr, std::nullopt, nullptr, nullptr, std::optional<std::string>(), nullptr));
  ASSERT_TRUE(db->get(insert_row).run(4, "x", 5, true, std::span<const std::uint8_t>(), "o", "w"));
  auto st = db->get(select_row);
  st.bind(3);
  ASSERT_TRUE(st.step());
  for (int i = 0; i < 6; ++i) EXPECT_TRUE(st.is_null(i)) << i;
  EXPECT_EQ(st.column<std::string>(0), "");
  EXPECT_EQ(st.column<std::int64_t>(1), 0);
  EXPECT_EQ(st.column<int>(1), 0);
  EXPECT_FALSE(st.column<bool>(2));
  EXPECT_TRUE(st.column<blob>(3).empty());
  EXPECT_EQ(st.column<std::optional<std::string>>(4), std::nullopt);
  EXPECT_EQ(st.column<std::optional<std::int64_t>>(1), std::nullopt);

  auto empty_blob = db->get("SELECT bin, num FROM t WHERE id = 4");
  ASSERT_TRUE(empty_blob.step());
  EXPECT_FALSE(empty_blob.is_null(0)) << "a zero-length blob is not NULL";
  EXPECT_EQ(empty_blob.column<std::optional<std::int64_t>>(1), 5);
}

TEST_F(statement_test, a_cached_statement_is_reset_and_unbound_when_its_scope_ends) {
  ASSERT_TRUE(db->get(insert_row).run(1, "one", 1, false, nullptr, nullptr, nullptr));
  ASSERT_TRUE(db->get(insert_row).run(2, "two", 2, false, nullptr, nullptr, nullptr));
  {
    auto st = db->get(select_row);
    st.bind(1);
    ASSERT_TRUE(st.step());
    EXPECT_EQ(st.column<std::string>(0), "one");
    // Left mid-result with a binding: the next user must see neither.
  }
  {
    auto st = db->get(select_row);
    EXPECT_FALSE(st.step()) << "bindings were cleared: ?1 is NULL, which matches no id";
    EXPECT_TRUE(st.done());
  }
  auto st = db->get(select_row);
  st.bind(2);
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column<std::string>(0), "two");
  {
    // The same SQL while `st` is still lent out: a separate statement, `st` undisturbed.
    auto nested = db->get(select_row);
    nested.bind(1);
    ASSERT_TRUE(nested.step());
    EXPECT_EQ(nested.column<std::string>(0), "one");
  }
  EXPECT_EQ(st.column<std::string>(0), "two");
  // A moved-from statement gives its reset duty to the new owner.
  statement moved = std::move(st);
  EXPECT_FALSE(st);  // NOLINT(bugprone-use-after-move): moved-from is empty by contract
  EXPECT_EQ(moved.column<std::string>(0), "two");
}

TEST_F(statement_test, constraint_and_sql_errors_are_reported_without_throwing) {
  ASSERT_TRUE(db->get(insert_row).run(1, "a", 1, false, nullptr, nullptr, nullptr));
  auto dup = db->get(insert_row);
  EXPECT_FALSE(dup.run(1, "b", 2, false, nullptr, nullptr, nullptr));
  EXPECT_TRUE(dup.failed());
  EXPECT_TRUE(dup.unique_violation());
  EXPECT_NE(db->error_message().find("UNIQUE"), std::string::npos) << db->error_message();

  auto bad = db->get("SELEC txt FROM t");
  EXPECT_FALSE(bad);
  EXPECT_NE(db->error_message().find("syntax error"), std::string::npos) << db->error_message();
  bad.bind("ignored", 1);  // binding an empty statement does nothing
  EXPECT_FALSE(bad.step());
  EXPECT_TRUE(bad.failed());
  EXPECT_FALSE(bad.run());
  EXPECT_FALSE(db->get("SELECT nope FROM t"));
  EXPECT_FALSE(db->prepare("SELECT * FROM missing_table"));

  EXPECT_FALSE(db->try_exec("CREATE TABLE u(x); NOT SQL;"));
  EXPECT_THROW(db->exec("NOT SQL"), std::runtime_error);
  EXPECT_TRUE(db->try_exec("SELECT 1; -- a comment\n"));
}

TEST_F(statement_test, changes_counts_rows_and_read_only_opens_need_the_file) {
  ASSERT_TRUE(db->get(insert_row).run(1, "a", 1, false, nullptr, nullptr, nullptr));
  ASSERT_TRUE(db->get(insert_row).run(2, "b", 1, false, nullptr, nullptr, nullptr));
  ASSERT_TRUE(db->get("UPDATE t SET num = ?1 WHERE num = ?2").run(9, 1));
  EXPECT_EQ(db->changes(), 2);
  EXPECT_THROW(sqlite_db(dir / "absent.db", sqlite_db::mode::read_only), std::runtime_error);
  EXPECT_THROW(sqlite_db(dir / "absent.db", sqlite_db::mode::read_write), std::runtime_error);
  sqlite_db reader(dir / "t.db", sqlite_db::mode::read_only);
  auto st = reader.get("SELECT COUNT(*) FROM t WHERE num = 9");
  ASSERT_TRUE(st.step());
  EXPECT_EQ(st.column<std::int64_t>(0), 2);
  EXPECT_FALSE(reader.get(insert_row).run(3, "c", 1, false, nullptr, nullptr, nullptr))
      << "read-only";
}

}  // namespace
}  // namespace visit::server
