// Runs one external program for a collector: posix_spawn with a fixed argv (no shell), a
// minimal environment, stdin from /dev/null, stdout captured up to a byte cap, stderr up to
// 1 KiB, and the whole process group killed at the deadline or when stdout passes the cap.
#pragma once

#include <chrono>
#include <cstddef>
#include <filesystem>
#include <string>
#include <vector>

namespace visit::collect {

struct program_request {
  std::string name;               // "dpkg-query"; searched in `dirs`, never via PATH
  std::vector<std::string> args;  // argv[1..]
  std::vector<std::filesystem::path> dirs;
  std::chrono::steady_clock::time_point deadline;
  std::size_t max_stdout = 1 << 20;
  // Extra "NAME=value" entries added to PATH=/usr/bin:/bin and LANG=C.UTF-8.
  std::vector<std::string> extra_env;
};

struct program_result {
  enum class outcome { exited, not_found, timed_out, spawn_failed };
  outcome how = outcome::spawn_failed;
  int exit_code = -1;          // when exited normally; -1 when killed by a signal
  std::string out;             // at most max_stdout bytes
  bool out_truncated = false;  // stdout passed the cap; the program was stopped there
  std::string err;             // first KiB of stderr
  std::string error;           // spawn failure text
};

program_result run_program(const program_request& request);

// The first directory of `dirs` that holds an executable regular file `name`, or empty.
std::filesystem::path find_program(const std::string& name,
                                   const std::vector<std::filesystem::path>& dirs);

// "dpkg-query timed out after 3000 ms", "journalctl failed (exit 1): <first stderr line>", ...
// for a result that is not a clean exit 0. `limit` is the collector's time limit.
std::string program_failure(const program_request& request, const program_result& result,
                            std::chrono::milliseconds limit);

}  // namespace visit::collect
