#include "child_process.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstdlib>
#include <stdexcept>

extern char** environ;

namespace visit::client::testing {

child_process::child_process(std::vector<std::string> argv, int extra_fd, bool stdin_terminal) {
  std::string terminal_name;
  if (stdin_terminal) {
    terminal_ = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
    if (terminal_ < 0 || grantpt(terminal_) != 0 || unlockpt(terminal_) != 0)
      throw std::runtime_error("pseudo-terminal");
    terminal_name = ptsname(terminal_);
  }
  int fds[2];
  if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
  posix_spawn_file_actions_t actions;
  posix_spawn_file_actions_init(&actions);
  // Never the test runner's terminal: the client would ask its questions there.
  if (stdin_terminal) {
    posix_spawn_file_actions_addopen(&actions, 0, terminal_name.c_str(), O_RDWR | O_NOCTTY, 0);
  } else {
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  }
  posix_spawn_file_actions_adddup2(&actions, fds[1], 1);
  posix_spawn_file_actions_adddup2(&actions, fds[1], 2);
  if (extra_fd >= 0) posix_spawn_file_actions_adddup2(&actions, extra_fd, 3);
  std::vector<char*> args;
  for (auto& a : argv) args.push_back(a.data());
  args.push_back(nullptr);
  const int rc = posix_spawn(&pid_, args[0], &actions, nullptr, args.data(), environ);
  posix_spawn_file_actions_destroy(&actions);
  close(fds[1]);
  if (rc != 0) {
    close(fds[0]);
    throw std::runtime_error("posix_spawn " + argv[0]);
  }
  reader_ = std::thread([this, fd = fds[0]] { read_loop(fd); });
}

child_process::~child_process() {
  if (!reaped_ && pid_ > 0) {
    kill(pid_, SIGKILL);
    waitpid(pid_, &status_, 0);
  }
  if (reader_.joinable()) reader_.join();
  if (terminal_ >= 0) close(terminal_);
}

void child_process::type(const std::string& text) {
  if (terminal_ < 0) return;
  std::size_t done = 0;
  while (done < text.size()) {
    const ssize_t n = write(terminal_, text.data() + done, text.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return;
    done += static_cast<std::size_t>(n);
  }
}

void child_process::read_loop(int fd) {
  char buf[4096];
  for (;;) {
    const ssize_t n = read(fd, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) break;
    {
      std::lock_guard lock(mutex_);
      output_.append(buf, static_cast<std::size_t>(n));
    }
    cv_.notify_all();
  }
  close(fd);
  {
    std::lock_guard lock(mutex_);
    eof_ = true;
  }
  cv_.notify_all();
}

void child_process::wait_for_output_end() {
  std::unique_lock lock(mutex_);
  cv_.wait_for(lock, std::chrono::seconds(2), [&] { return eof_; });
}

bool child_process::wait_for_output(const std::string& needle, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return output_.find(needle) != std::string::npos; });
}

int child_process::count_output(const std::string& needle) const {
  std::lock_guard lock(mutex_);
  int n = 0;
  for (auto pos = output_.find(needle); pos != std::string::npos;
       pos = output_.find(needle, pos + needle.size())) {
    ++n;
  }
  return n;
}

std::string child_process::output() const {
  std::lock_guard lock(mutex_);
  return output_;
}

std::optional<int> child_process::stop(int signo, std::chrono::milliseconds timeout) {
  if (reaped_) return WIFEXITED(status_) ? std::optional<int>(WEXITSTATUS(status_)) : std::nullopt;
  kill(pid_, signo);
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      wait_for_output_end();
      return WIFEXITED(status_) ? std::optional<int>(WEXITSTATUS(status_)) : std::nullopt;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  kill(pid_, SIGKILL);
  waitpid(pid_, &status_, 0);
  reaped_ = true;
  return std::nullopt;
}

std::optional<int> child_process::wait_exit(std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (!reaped_) {
    if (waitpid(pid_, &status_, WNOHANG) == pid_) {
      reaped_ = true;
      wait_for_output_end();
      break;
    }
    if (std::chrono::steady_clock::now() >= deadline) return std::nullopt;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  return status_;
}

}  // namespace visit::client::testing
