// An Xvfb of its own for a test (black 320x240 screen), on a free display number that Xvfb
// picks itself (-displayfd), so tests may run in parallel; or on a number the test chose.
// -noreset: a helper connection (paint_root) closing as the last client must not make the
// server regenerate, which drops connections arriving meanwhile and forgets the painted root.
#pragma once
#include <fcntl.h>
#include <poll.h>
#include <unistd.h>

#include <csignal>
#include <cstdio>
#include <memory>
#include <stdexcept>
#include <string>

#include "child_process.hpp"

namespace visit::client::testing {

class xvfb_display {
 public:
  // `number` >= 0 asks for that display number (throws if it is taken) instead of the first
  // free one: tests that kill their servers keep to numbers of their own.
  explicit xvfb_display(const std::string& xvfb_path, const std::string& geometry = "320x240x24",
                        int number_wanted = -1) {
    int fds[2];
    if (pipe2(fds, O_CLOEXEC) != 0) throw std::runtime_error("pipe");
    std::vector<std::string> argv{xvfb_path,  "-displayfd", "3",         "-screen",
                                  "0",        geometry,     "-nolisten", "tcp",
                                  "-noreset", "-br",        "-nocursor"};
    if (number_wanted >= 0) argv.insert(argv.begin() + 1, ":" + std::to_string(number_wanted));
    proc_ = std::make_unique<child_process>(std::move(argv), fds[1]);
    close(fds[1]);
    std::string number;
    pollfd p{fds[0], POLLIN, 0};
    while (number.find('\n') == std::string::npos && poll(&p, 1, 10'000) > 0) {
      char buf[16];
      const ssize_t n = read(fds[0], buf, sizeof buf);
      if (n <= 0) break;
      number.append(buf, static_cast<std::size_t>(n));
    }
    close(fds[0]);
    if (number.empty() || number.find('\n') == std::string::npos) {
      throw std::runtime_error("Xvfb did not start: " + proc_->output());
    }
    name_ = ":" + number.substr(0, number.find('\n'));
  }
  ~xvfb_display() { reap(SIGTERM); }

  // Sends `signo` and waits for the server's end, then removes the lock file and socket a
  // killed server leaves behind (only while the lock still names it): another Xvfb picking a
  // number meanwhile could otherwise race with a third on the stale lock and steal its socket.
  void reap(int signo = 0) {
    const pid_t pid = proc_->pid();
    proc_->stop(signo, std::chrono::seconds(5));
    const std::string number = name_.substr(1);
    const std::string lock = "/tmp/.X" + number + "-lock";
    if (FILE* f = std::fopen(lock.c_str(), "r")) {
      long owner = 0;
      const bool read = std::fscanf(f, "%ld", &owner) == 1;
      std::fclose(f);
      if (read && owner == pid) {
        std::remove(("/tmp/.X11-unix/X" + number).c_str());
        std::remove(lock.c_str());
      }
    }
  }

  const std::string& name() const { return name_; }
  // The server's process, for tests that kill it under a client (the destructor reaps it).
  pid_t pid() const { return proc_->pid(); }

 private:
  std::unique_ptr<child_process> proc_;
  std::string name_;
};

}  // namespace visit::client::testing
