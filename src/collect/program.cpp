#include "collect/program.hpp"

#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <thread>

#include "collect/support.hpp"

namespace visit::collect {

namespace {

constexpr std::size_t max_stderr = 1024;

struct fd_pair {
  int fd[2] = {-1, -1};
  ~fd_pair() { close_all(); }
  void close_end(int i) {
    if (fd[i] >= 0) ::close(fd[i]);
    fd[i] = -1;
  }
  void close_all() {
    close_end(0);
    close_end(1);
  }
};

// Reaps `pid` after SIGKILL; a process stuck in the kernel is left to a background waiter
// rather than holding the collector.
void reap(pid_t pid, int& status, bool& reaped) {
  for (int i = 0; i < 40; ++i) {
    pid_t r = ::waitpid(pid, &status, WNOHANG);
    if (r == pid || (r < 0 && errno != EINTR)) {
      reaped = r == pid;
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  std::thread([pid] {
    while (::waitpid(pid, nullptr, 0) < 0 && errno == EINTR) {
    }
  }).detach();
}

}  // namespace

std::filesystem::path find_program(const std::string& name,
                                   const std::vector<std::filesystem::path>& dirs) {
  if (name.empty() || name.find('/') != std::string::npos) return {};
  for (const auto& dir : dirs) {
    auto candidate = dir / name;
    struct stat st {};
    if (::stat(candidate.c_str(), &st) == 0 && S_ISREG(st.st_mode) &&
        ::access(candidate.c_str(), X_OK) == 0)
      return candidate;
  }
  return {};
}

program_result run_program(const program_request& request) {
  using clock = std::chrono::steady_clock;
  program_result result;
  auto path = find_program(request.name, request.dirs);
  if (path.empty()) {
    result.how = program_result::outcome::not_found;
    return result;
  }
  fd_pair out, err;
  if (::pipe2(out.fd, O_CLOEXEC) != 0 || ::pipe2(err.fd, O_CLOEXEC) != 0) {
    result.error = error_text(errno);
    return result;
  }

  posix_spawn_file_actions_t actions;
  posix_spawnattr_t attributes;
  ::posix_spawn_file_actions_init(&actions);
  ::posix_spawnattr_init(&attributes);
  ::posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
  ::posix_spawn_file_actions_adddup2(&actions, out.fd[1], 1);
  ::posix_spawn_file_actions_adddup2(&actions, err.fd[1], 2);
  // Whatever descriptors the client holds without O_CLOEXEC stay out of the child.
  ::posix_spawn_file_actions_addclosefrom_np(&actions, 3);
  // Own process group, so a timeout kills the program and everything it started; signals the
  // client may ignore (ignored dispositions survive exec) back to their defaults.
  sigset_t empty, defaults;
  sigemptyset(&empty);
  sigemptyset(&defaults);
  for (int sig : {SIGPIPE, SIGCHLD, SIGHUP, SIGINT, SIGQUIT, SIGTERM}) sigaddset(&defaults, sig);
  ::posix_spawnattr_setpgroup(&attributes, 0);
  ::posix_spawnattr_setsigmask(&attributes, &empty);
  ::posix_spawnattr_setsigdefault(&attributes, &defaults);
  ::posix_spawnattr_setflags(
      &attributes, POSIX_SPAWN_SETPGROUP | POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);

  std::vector<std::string> argv_text{request.name};
  argv_text.insert(argv_text.end(), request.args.begin(), request.args.end());
  std::vector<std::string> env_text{"PATH=/usr/bin:/bin", "LANG=C.UTF-8"};
  env_text.insert(env_text.end(), request.extra_env.begin(), request.extra_env.end());
  std::vector<char*> argv, envp;
  for (auto& a : argv_text) argv.push_back(a.data());
  argv.push_back(nullptr);
  for (auto& e : env_text) envp.push_back(e.data());
  envp.push_back(nullptr);

  pid_t pid = -1;
  int rc = ::posix_spawn(&pid, path.c_str(), &actions, &attributes, argv.data(), envp.data());
  ::posix_spawn_file_actions_destroy(&actions);
  ::posix_spawnattr_destroy(&attributes);
  out.close_end(1);
  err.close_end(1);
  if (rc != 0) {
    result.error = error_text(rc);
    return result;
  }
  ::fcntl(out.fd[0], F_SETFL, O_NONBLOCK);
  ::fcntl(err.fd[0], F_SETFL, O_NONBLOCK);

  bool timed_out = false;
  bool exited = false;
  int status = 0;
  std::string buffer(65536, '\0');
  while (out.fd[0] >= 0 || err.fd[0] >= 0) {
    auto now = clock::now();
    if (now >= request.deadline) {
      timed_out = true;
      break;
    }
    auto remaining = std::chrono::ceil<std::chrono::milliseconds>(request.deadline - now).count();
    pollfd fds[2];
    nfds_t count = 0;
    for (int fd : {out.fd[0], err.fd[0]})
      if (fd >= 0) fds[count++] = {fd, POLLIN, 0};
    // Wake up now and then: a program that exits while something it started keeps the pipes
    // open is finished all the same.
    int wait_ms = exited ? 0 : static_cast<int>(std::min<long long>(remaining, 100));
    int n = ::poll(fds, count, wait_ms);
    if (n < 0 && errno != EINTR) break;
    if (n == 0) {
      if (exited) break;  // exited and nothing more to read right now
      if (::waitpid(pid, &status, WNOHANG) == pid) exited = true;
      continue;
    }
    for (nfds_t i = 0; i < count; ++i) {
      if (!(fds[i].revents & (POLLIN | POLLHUP | POLLERR))) continue;
      bool is_out = fds[i].fd == out.fd[0];
      ssize_t got = ::read(fds[i].fd, buffer.data(), buffer.size());
      if (got < 0 && (errno == EAGAIN || errno == EINTR)) continue;
      if (got <= 0) {
        (is_out ? out : err).close_end(0);
        continue;
      }
      std::string& sink = is_out ? result.out : result.err;
      std::size_t cap = is_out ? request.max_stdout : max_stderr;
      std::size_t room = cap > sink.size() ? cap - sink.size() : 0;
      sink.append(buffer.data(), std::min(room, static_cast<std::size_t>(got)));
      if (is_out && static_cast<std::size_t>(got) > room) result.out_truncated = true;
    }
    if (result.out_truncated) break;
  }
  out.close_all();
  err.close_all();

  if (timed_out || result.out_truncated) ::kill(-pid, SIGKILL);
  bool reaped = exited;
  if (!reaped && !timed_out && !result.out_truncated) {
    // Both pipes are closed: the program is exiting; wait for it until the deadline.
    while (true) {
      pid_t r = ::waitpid(pid, &status, WNOHANG);
      if (r == pid || (r < 0 && errno == ECHILD)) {
        reaped = r == pid;
        if (r < 0) status = 0;  // SIGCHLD ignored by the host process: no status to read
        exited = true;
        break;
      }
      if (clock::now() >= request.deadline) {
        timed_out = true;
        ::kill(-pid, SIGKILL);
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  }
  if (!exited) reap(pid, status, reaped);

  if (timed_out && !result.out_truncated) {
    result.how = program_result::outcome::timed_out;
    return result;
  }
  result.how = program_result::outcome::exited;
  if (result.out_truncated) {
    result.exit_code = 0;  // stopped by us; the output so far is what counts
  } else if (WIFEXITED(status)) {
    result.exit_code = WEXITSTATUS(status);
  }
  return result;
}

std::string program_failure(const program_request& request, const program_result& result,
                            std::chrono::milliseconds limit) {
  using outcome = program_result::outcome;
  switch (result.how) {
    case outcome::not_found:
      return request.name + " not installed";
    case outcome::timed_out:
      return request.name + " timed out after " + std::to_string(limit.count()) + " ms";
    case outcome::spawn_failed:
      return request.name + " could not be started: " + result.error;
    case outcome::exited:
      break;
  }
  if (result.exit_code < 0) return request.name + " was killed by a signal";
  std::string text = request.name + " failed (exit " + std::to_string(result.exit_code) + ")";
  std::string_view err = result.err;
  err = err.substr(0, err.find('\n'));
  if (!err.empty()) text += ": " + valid_utf8(err.substr(0, 200));
  return text;
}

}  // namespace visit::collect
