// Runs the real visit-server binary for integration tests: a temp data dir, output captured
// in a file, the port read from its "listening on https://HOST:PORT" line.
#pragma once
#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <random>
#include <regex>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

extern char** environ;

namespace visit::server::testing {

namespace fs = std::filesystem;

inline fs::path make_temp_dir(const std::string& prefix) {
  std::random_device rd;
  fs::path p =
      fs::temp_directory_path() / (prefix + "-" + std::to_string(rd()) + std::to_string(rd()));
  fs::create_directories(p);
  return p;
}

inline std::string read_file(const fs::path& p) {
  std::ifstream f(p, std::ios::binary);
  std::stringstream ss;
  ss << f.rdbuf();
  return ss.str();
}

// Starts `args` (argv[0] included) with stdin from `input` and stdout+stderr into `output`.
inline pid_t spawn(const std::vector<std::string>& args, const fs::path& output,
                   const std::string& input = "") {
  fs::path in = output.string() + ".stdin";
  std::ofstream(in, std::ios::binary) << input;
  posix_spawn_file_actions_t fa;
  posix_spawn_file_actions_init(&fa);
  posix_spawn_file_actions_addopen(&fa, 0, in.c_str(), O_RDONLY, 0);
  posix_spawn_file_actions_addopen(&fa, 1, output.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0600);
  posix_spawn_file_actions_adddup2(&fa, 1, 2);
  std::vector<char*> argv;
  for (auto& a : args) argv.push_back(const_cast<char*>(a.c_str()));
  argv.push_back(nullptr);
  pid_t pid = -1;
  int rc = posix_spawn(&pid, argv[0], &fa, nullptr, argv.data(), environ);
  posix_spawn_file_actions_destroy(&fa);
  if (rc != 0) throw std::runtime_error("cannot start " + args[0]);
  return pid;
}

// Runs a command to its end; returns its exit status (or -signal) and its output.
inline int run_command(const std::vector<std::string>& args, const std::string& input,
                       std::string& output, const fs::path& scratch) {
  static int n = 0;
  fs::path out = scratch / ("cmd-" + std::to_string(++n) + ".out");
  pid_t pid = spawn(args, out, input);
  int status = 0;
  waitpid(pid, &status, 0);
  output = read_file(out);
  return WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
}

class server_process {
 public:
  // Starts visit-server --listen 127.0.0.1:0 --data-dir DIR, with --self-signed unless
  // `extra_args` names --tls-cert.
  // The data dir is removed at the end unless `keep_data_dir`.
  server_process(std::vector<std::string> extra_args = {}, fs::path data_dir = {},
                 bool keep_data_dir = false)
      : data_dir_(data_dir.empty() ? make_temp_dir("visit-it") : data_dir),
        keep_data_dir_(keep_data_dir) {
    log_ = data_dir_ / "server.log";
    std::vector<std::string> args = {VISIT_SERVER_BINARY, "--listen", "127.0.0.1:0", "--data-dir",
                                     data_dir_.string()};
    if (std::find(extra_args.begin(), extra_args.end(), "--tls-cert") == extra_args.end()) {
      args.push_back("--self-signed");
    }
    args.insert(args.end(), extra_args.begin(), extra_args.end());
    pid_ = spawn(args, log_);
    std::regex listening(R"(listening on https://127\.0\.0\.1:(\d+))");
    std::regex fp(R"(fingerprint sha256:([0-9a-f]{64}))");
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < deadline) {
      std::string text = log();
      std::smatch m1, m2;
      if (std::regex_search(text, m1, listening) && std::regex_search(text, m2, fp)) {
        port_ = static_cast<unsigned short>(std::stoi(m1[1]));
        fingerprint_ = m2[1];
        return;
      }
      int status = 0;
      if (waitpid(pid_, &status, WNOHANG) == pid_) {
        pid_ = -1;
        throw std::runtime_error("visit-server exited at start:\n" + text);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    throw std::runtime_error("visit-server did not start:\n" + log());
  }
  ~server_process() {
    stop();
    std::error_code ec;
    if (!keep_data_dir_) fs::remove_all(data_dir_, ec);
  }
  // SIGTERM and wait; returns the exit status.
  int stop() {
    if (pid_ <= 0) return exit_status_;
    kill(pid_, SIGTERM);
    int status = 0;
    waitpid(pid_, &status, 0);
    pid_ = -1;
    exit_status_ = WIFEXITED(status) ? WEXITSTATUS(status) : -WTERMSIG(status);
    return exit_status_;
  }
  std::string log() const { return read_file(log_); }
  // Waits until the log contains `text` (after offset `from`).
  bool wait_for_log(const std::string& text, std::size_t from = 0,
                    std::chrono::milliseconds timeout = std::chrono::seconds(5)) const {
    auto deadline = std::chrono::steady_clock::now() + timeout;
    do {
      std::string l = log();
      if (l.size() > from && l.find(text, from) != std::string::npos) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    } while (std::chrono::steady_clock::now() < deadline);
    return false;
  }

  unsigned short port() const { return port_; }
  pid_t pid() const { return pid_; }
  const std::string& fingerprint() const { return fingerprint_; }
  const fs::path& data_dir() const { return data_dir_; }

 private:
  fs::path data_dir_;
  bool keep_data_dir_ = false;
  fs::path log_;
  pid_t pid_ = -1;
  int exit_status_ = 0;
  unsigned short port_ = 0;
  std::string fingerprint_;
};

}  // namespace visit::server::testing
