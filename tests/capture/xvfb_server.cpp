#include "xvfb_server.hpp"

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <random>
#include <thread>
#include <vector>

extern char** environ;

namespace visit::test {

namespace {

std::string xvfb_binary() {
  if (const char* env = std::getenv("VISIT_XVFB"); env && *env) return env;
#ifdef VISIT_XVFB_PATH
  return VISIT_XVFB_PATH;
#else
  return "Xvfb";
#endif
}

bool exists(const std::string& path) {
  return access(path.c_str(), F_OK) == 0;
}

bool accepts(const std::string& socket_path) {
  const int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return false;
  sockaddr_un address{};
  address.sun_family = AF_UNIX;
  std::strncpy(address.sun_path, socket_path.c_str(), sizeof address.sun_path - 1);
  const bool ok = connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  close(fd);
  return ok;
}

void reap(pid_t pid, std::chrono::milliseconds grace) {
  const auto deadline = std::chrono::steady_clock::now() + grace;
  while (std::chrono::steady_clock::now() < deadline) {
    if (waitpid(pid, nullptr, WNOHANG) == pid) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  kill(pid, SIGKILL);
  waitpid(pid, nullptr, 0);
}

}  // namespace

std::unique_ptr<xvfb_server> xvfb_server::start(int width, int height, std::string& error) {
  std::mt19937 random(std::random_device{}() ^ static_cast<unsigned>(getpid()));
  const std::string binary = xvfb_binary();
  const std::string screen = std::to_string(width) + "x" + std::to_string(height) + "x24";
  for (int attempt = 0; attempt < 8; ++attempt) {
    const int number = 90 + static_cast<int>(random() % 400);
    const std::string socket_path = "/tmp/.X11-unix/X" + std::to_string(number);
    if (exists(socket_path) || exists("/tmp/.X" + std::to_string(number) + "-lock")) continue;
    const std::string display = ":" + std::to_string(number);
    std::vector<std::string> args = {binary,      display, "-screen",  "0",  screen,
                                     "-nolisten", "tcp",   "-noreset", "-br"};
    std::vector<char*> argv;
    for (auto& a : args) argv.push_back(a.data());
    argv.push_back(nullptr);

    posix_spawn_file_actions_t actions;
    posix_spawn_file_actions_init(&actions);
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 1, "/dev/null", O_WRONLY, 0);
    posix_spawn_file_actions_addopen(&actions, 2, "/dev/null", O_WRONLY, 0);
    pid_t pid = 0;
    const int rc = posix_spawnp(&pid, binary.c_str(), &actions, nullptr, argv.data(), environ);
    posix_spawn_file_actions_destroy(&actions);
    if (rc != 0) {
      error = "cannot run " + binary + ": " + std::strerror(rc);
      return nullptr;
    }
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    bool exited = false;
    while (std::chrono::steady_clock::now() < deadline) {
      if (waitpid(pid, nullptr, WNOHANG) == pid) {
        exited = true;  // lost a race for this number: try another
        break;
      }
      if (accepts(socket_path)) return std::unique_ptr<xvfb_server>(new xvfb_server(pid, display));
      std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    if (!exited) {
      kill(pid, SIGKILL);
      waitpid(pid, nullptr, 0);
      error = "Xvfb " + display + " did not come up within 10 s";
      return nullptr;
    }
  }
  error = "no free display number for Xvfb after 8 attempts";
  return nullptr;
}

void xvfb_server::kill_now() {
  if (pid_ <= 0) return;
  kill(pid_, SIGKILL);
  waitpid(pid_, nullptr, 0);
  pid_ = -1;
  // A killed server leaves its socket and lock behind.
  const std::string number = display_.substr(1);
  unlink(("/tmp/.X11-unix/X" + number).c_str());
  unlink(("/tmp/.X" + number + "-lock").c_str());
}

xvfb_server::~xvfb_server() {
  if (pid_ <= 0) return;
  kill(pid_, SIGTERM);
  reap(pid_, std::chrono::milliseconds(3000));
}

}  // namespace visit::test
