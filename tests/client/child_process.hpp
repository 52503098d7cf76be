// A child process for integration tests: started with posix_spawn, stdin from /dev/null (not a
// terminal) or a pseudo-terminal, its stdout and stderr collected by a reader thread so a test can
// wait for a log line. stop(0, timeout) waits for an exit without a signal. The destructor kills
// (SIGKILL) and reaps a child that is still running.
#pragma once
#include <sys/types.h>

#include <chrono>
#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <thread>
#include <vector>

namespace visit::client::testing {

class child_process {
 public:
  // `argv[0]` is the program path. `extra_fd`, if >= 0, is passed to the child as fd 3.
  // `stdin_terminal`: stdin is a pseudo-terminal the test types into with type().
  explicit child_process(std::vector<std::string> argv, int extra_fd = -1,
                         bool stdin_terminal = false);
  ~child_process();
  child_process(const child_process&) = delete;
  child_process& operator=(const child_process&) = delete;

  pid_t pid() const { return pid_; }
  // Waits until the output so far contains `needle` (true) or the timeout passes.
  bool wait_for_output(const std::string& needle, std::chrono::milliseconds timeout);
  // How many times `needle` occurs in the output so far.
  int count_output(const std::string& needle) const;
  std::string output() const;
  // Writes `text` to the child's terminal (stdin_terminal only).
  void type(const std::string& text);
  // Sends `signo` and waits for the exit; the exit status, or nullopt if it was killed by a
  // signal or did not end within `timeout` (then it is killed). Once it has ended, output()
  // holds everything it wrote (waits up to 2 s for the reader).
  std::optional<int> stop(int signo, std::chrono::milliseconds timeout);
  // Waits up to `timeout` for the child to end, without a signal and without killing it: its
  // wait status (as waitpid gives it), or nullopt if it still runs. After an exit, output()
  // is complete as for stop().
  std::optional<int> wait_exit(std::chrono::milliseconds timeout);

 private:
  void read_loop(int fd);
  // After the child is reaped: until the reader has read the rest of the pipe (bounded: a
  // grandchild may still hold it open).
  void wait_for_output_end();

  pid_t pid_ = -1;
  int terminal_ = -1;  // the pseudo-terminal's master side
  bool reaped_ = false;
  int status_ = 0;
  std::thread reader_;
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  std::string output_;
  bool eof_ = false;  // the reader saw the end of the output (guarded by mutex_)
};

}  // namespace visit::client::testing
