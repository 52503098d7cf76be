// External programs: real fake programs (shell scripts in a temporary directory) run through
// the real spawner, and the limits of run() that depend on them.
#include "collect/program.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>

#include "collect/collect.hpp"

namespace visit::collect {
namespace {

namespace json = boost::json;
using namespace std::chrono_literals;
using clock = std::chrono::steady_clock;

class CollectProgram : public ::testing::Test {
 protected:
  void SetUp() override {
    char pattern[] = "/tmp/visit-collect-XXXXXX";
    ASSERT_TRUE(::mkdtemp(pattern));
    dir_ = pattern;
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  // Writes an executable shell script named `name`.
  void fake(const std::string& name, const std::string& body) {
    auto path = dir_ / name;
    std::ofstream(path) << "#!/bin/sh\n" << body << "\n";
    std::filesystem::permissions(path, std::filesystem::perms::owner_all);
  }

  context ctx() const {
    context c;
    c.program_dirs = {dir_};
    return c;
  }

  program_request request(const std::string& name, std::chrono::milliseconds limit = 2000ms) const {
    program_request r;
    r.name = name;
    r.dirs = {dir_};
    r.deadline = clock::now() + limit;
    return r;
  }

  std::filesystem::path dir_;
};

std::int64_t ms_since(clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
}

TEST_F(CollectProgram, SleepingProgramTimesOut) {
  fake("dpkg-query", "sleep 30");
  limits lim;
  lim.time = 700ms;
  auto start = clock::now();
  auto result = run({{"id", "packages"}}, ctx(), lim);
  auto took = ms_since(start);
  EXPECT_EQ(result.at("status"), "not_collected");
  EXPECT_EQ(result.at("reason"), "dpkg-query timed out after 700 ms");
  EXPECT_GE(took, 650);
  EXPECT_LE(took, 700 + 500);
  EXPECT_LE(result.at("elapsed_ms").as_int64(), 700 + 500);
}

TEST_F(CollectProgram, TimeoutKillsTheWholeProcessGroup) {
  // The program's own child holds the pipe too; it must not keep the collector waiting.
  fake("journalctl", "sleep 30 & sleep 30");
  limits lim;
  lim.time = 400ms;
  auto start = clock::now();
  auto result = run({{"id", "journal"}}, ctx(), lim);
  EXPECT_EQ(result.at("reason"), "journalctl timed out after 400 ms");
  EXPECT_LE(ms_since(start), 900);
}

TEST_F(CollectProgram, ExitedProgramWithBackgroundChildDoesNotWait) {
  fake("tool", "echo done; sleep 3 & exit 0");
  auto start = clock::now();
  auto result = run_program(request("tool", 5000ms));
  EXPECT_EQ(result.how, program_result::outcome::exited);
  EXPECT_EQ(result.exit_code, 0);
  EXPECT_EQ(result.out, "done\n");
  EXPECT_LT(ms_since(start), 1500);
}

TEST_F(CollectProgram, OutputOverTheCapIsTruncated) {
  fake("dpkg-query", "exec yes 'pkg\t1.0\tamd64\tii '");
  limits lim;
  lim.max_bytes = 64 * 1024;
  auto start = clock::now();
  auto result = run({{"id", "packages"}}, ctx(), lim);
  EXPECT_LT(ms_since(start), 2000);  // stopped at the cap, not at the time limit
  ASSERT_EQ(result.at("status"), "ok") << result;
  EXPECT_EQ(result.at("truncated"), true);
  EXPECT_LE(serialize(result.at("data")).size(), lim.max_bytes);
  EXPECT_GT(result.at("data").at("packages").as_array().size(), 100u);
}

TEST_F(CollectProgram, MaxItemsHonoured) {
  fake("dpkg-query",
       "i=0; while [ $i -lt 50 ]; do printf 'p%s\\t1\\tamd64\\tii \\n' $i; i=$((i+1)); done");
  limits lim;
  lim.max_items = 10;
  auto result = run({{"id", "packages"}}, ctx(), lim);
  ASSERT_EQ(result.at("status"), "ok") << result;
  EXPECT_EQ(result.at("truncated"), true);
  EXPECT_EQ(result.at("data").at("packages").as_array().size(), 10u);
  EXPECT_EQ(result.at("data").at("packages").at(9).at("name"), "p9");
  lim.max_items = 50;
  result = run({{"id", "packages"}}, ctx(), lim);
  EXPECT_EQ(result.at("truncated"), false);
  EXPECT_EQ(result.at("data").at("count"), 50);
}

TEST_F(CollectProgram, MissingProgramIsNotCollected) {
  auto result = run({{"id", "journal"}}, ctx(), {});
  EXPECT_EQ(result.at("status"), "not_collected");
  EXPECT_EQ(result.at("reason"), "journalctl not installed");
  result = run({{"id", "packages"}}, ctx(), {});
  EXPECT_EQ(result.at("reason"), "no package manager found (dpkg-query and rpm not installed)");
  std::ofstream(dir_ / "journalctl") << "#!/bin/sh\n";  // not executable
  EXPECT_EQ(run({{"id", "journal"}}, ctx(), {}).at("reason"), "journalctl not installed");
}

TEST_F(CollectProgram, RpmUsedWhenDpkgIsMissing) {
  fake("rpm", "printf 'bash\\t5.2-1.fc39\\tx86_64\\n'");
  auto result = run({{"id", "packages"}}, ctx(), {});
  ASSERT_EQ(result.at("status"), "ok") << result;
  EXPECT_EQ(result.at("data").at("manager"), "rpm");
  EXPECT_EQ(result.at("data").at("packages").at(0).at("version"), "5.2-1.fc39");
}

TEST_F(CollectProgram, FailureCarriesExitCodeAndFirstStderrLine) {
  fake("journalctl", "echo 'Failed to open journal: Permission denied' >&2; echo more >&2; exit 3");
  auto result = run({{"id", "journal"}}, ctx(), {});
  EXPECT_EQ(result.at("reason"),
            "journalctl failed (exit 3): Failed to open journal: Permission denied");
  fake("journalctl", "kill -9 $$");
  EXPECT_EQ(run({{"id", "journal"}}, ctx(), {}).at("reason"), "journalctl was killed by a signal");
}

TEST_F(CollectProgram, ArgumentsAreFixedAndJournalOutputParsed) {
  // The fake prints its arguments into a journal entry; a shell would have split or expanded them.
  fake("journalctl",
       "printf '{\"__REALTIME_TIMESTAMP\":\"1764417600000000\",\"MESSAGE\":\"%s\"}\\n' \"$*\"");
  auto result = run({{"id", "journal"}, {"max_entries", 7}, {"since_hours", 2}}, ctx(), {});
  ASSERT_EQ(result.at("status"), "ok") << result;
  EXPECT_EQ(result.at("data").at("entries").at(0).at("message"),
            "--no-pager --quiet --priority=err --since=-2h --reverse --lines=7 --output=json");
  EXPECT_EQ(result.at("data").at("since_hours"), 2);
}

TEST_F(CollectProgram, MinimalEnvironmentNoStdinNoLeakedDescriptors) {
  ::setenv("VISIT_COLLECT_SECRET", "must-not-leak", 1);
  // A descriptor without O_CLOEXEC, as other parts of a process may hold one.
  int opened = ::open("/dev/null", O_RDONLY);
  ASSERT_GE(opened, 0);
  ASSERT_EQ(::dup2(opened, 200), 200);
  fake("tool",
       "env | grep -v '^PWD=' | sort; echo stdin=$(cat | wc -c); "
       "[ -e /proc/$$/fd/200 ] && echo fd200=open || echo fd200=closed");
  auto result = run_program(request("tool"));
  ::close(200);
  ::close(opened);
  ::unsetenv("VISIT_COLLECT_SECRET");
  EXPECT_EQ(result.out, "LANG=C.UTF-8\nPATH=/usr/bin:/bin\nstdin=0\nfd200=closed\n");
}

TEST_F(CollectProgram, StderrBoundedAndStdoutCapExact) {
  fake("tool", "head -c 100000 /dev/zero >&2; head -c 5000 /dev/zero");
  auto r = request("tool");
  r.max_stdout = 1000;
  auto result = run_program(r);
  EXPECT_EQ(result.out.size(), 1000u);
  EXPECT_TRUE(result.out_truncated);
  EXPECT_LE(result.err.size(), 1024u);
}

TEST_F(CollectProgram, ConfigGsettingsThroughTheProgram) {
  fake("gsettings",
       "[ \"$1\" = get ] || exit 2; [ \"$2\" = org.example ] && echo \"'v-$3'\" && exit 0; "
       "echo \"No such schema “$2”\" >&2; exit 1");
  auto result = run({{"id", "config"},
                     {"gsettings", json::array{json::array{"org.example", "mode"},
                                               json::array{"org.missing", "mode"}}}},
                    ctx(), {});
  ASSERT_EQ(result.at("status"), "ok") << result;
  auto& items = result.at("data").at("gsettings").as_array();
  EXPECT_EQ(items.at(0).at("value"), "'v-mode'");
  EXPECT_EQ(items.at(1).at("error"),
            "not available: gsettings failed (exit 1): No such schema “org.missing”");
  std::filesystem::remove(dir_ / "gsettings");
  result = run({{"id", "config"}, {"gsettings", json::array{json::array{"org.example", "mode"}}}},
               ctx(), {});
  EXPECT_EQ(result.at("data").at("gsettings").at(0).at("error"),
            "not available: gsettings not installed");
}

}  // namespace
}  // namespace visit::collect
