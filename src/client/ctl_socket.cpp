#include "client/ctl_socket.hpp"

#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include <boost/asio/read_until.hpp>
#include <boost/asio/streambuf.hpp>
#include <boost/asio/write.hpp>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <istream>

#include "client/client_log.hpp"

namespace visit::client {

namespace asio = boost::asio;
using local = asio::local::stream_protocol;

namespace {

// A request line: room for "share window " and a 1024-byte title.
constexpr std::size_t max_line = 1280;

std::string tech_text(const technician& t) {
  return printable(t.name, 128) + " (" + t.id + ")";
}

bool peer_is_me(int fd) {
  ucred cred{};
  socklen_t len = sizeof cred;
  return getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) == 0 && cred.uid == getuid();
}

std::string dir_of(const std::string& path) {
  const auto slash = path.rfind('/');
  return slash == std::string::npos ? "." : slash == 0 ? "/" : path.substr(0, slash);
}

struct ctl_connection : std::enable_shared_from_this<ctl_connection> {
  ctl_connection(local::socket s, access_control& a, window_share* ws)
      : socket(std::move(s)), access(a), share(ws), in(max_line) {}
  void start() {
    asio::async_read_until(
        socket, in, '\n', [self = shared_from_this()](boost::system::error_code ec, std::size_t) {
          if (ec) return;
          std::istream is(&self->in);
          std::string line;
          std::getline(is, line);
          self->reply = handle_ctl_command(self->access, line, self->share);
          asio::async_write(self->socket, asio::buffer(self->reply),
                            [self](boost::system::error_code, std::size_t) {
                              boost::system::error_code ignored;
                              self->socket.shutdown(local::socket::shutdown_both, ignored);
                            });
        });
  }
  local::socket socket;
  access_control& access;
  window_share* share;
  asio::streambuf in;
  std::string reply;
};

}  // namespace

std::string default_ctl_socket_path() {
  const char* runtime = std::getenv("XDG_RUNTIME_DIR");
  if (runtime != nullptr && runtime[0] == '/') return std::string(runtime) + "/visit-client.sock";
  return "/tmp/visit-client-" + std::to_string(getuid()) + "/ctl.sock";
}

bool prepare_ctl_directory(const std::string& path, std::string& error) {
  const std::string dir = dir_of(path);
  const std::string fallback = "/tmp/visit-client-" + std::to_string(getuid());
  if (dir == fallback && mkdir(dir.c_str(), 0700) != 0 && errno != EEXIST) {
    error = "cannot create " + dir + ": " + std::strerror(errno);
    return false;
  }
  struct stat st {};
  if (lstat(dir.c_str(), &st) != 0) {
    error = "cannot use " + dir + ": " + std::strerror(errno);
    return false;
  }
  if (!S_ISDIR(st.st_mode) || st.st_uid != getuid() || (st.st_mode & 0022) != 0) {
    error = dir + " must be a directory of this user that others cannot write";
    return false;
  }
  if (dir == fallback && (st.st_mode & 0077) != 0) {
    error = dir + " must have mode 0700";
    return false;
  }
  return true;
}

std::string handle_ctl_command(access_control& access, std::string_view line, window_share* share) {
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.starts_with("share ")) {
    if (share == nullptr) return "error sharing one window is not available\n";
    const auto r = share->handle_command(line.substr(6));
    return (r.ok ? "ok " : "error ") + printable(r.message, 300) + "\n";
  }
  if (line == "status") {
    std::string out = "mode: " + std::string(to_string(access.mode())) + "\n";
    const auto& c = access.mode() == access_mode::full_access ? access.controller() : std::nullopt;
    out += "controller: " + (c ? tech_text(*c) : std::string("none")) + "\n";
    if (access.pending().empty()) out += "pending: none\n";
    for (const auto& t : access.pending()) out += "pending: " + tech_text(t) + "\n";
    if (access.paused()) out += "paused: yes\n";
    out += "dropped: " + std::to_string(access.dropped()) + "\n";
    if (share != nullptr) out += share->status_lines();
    return out + "ok\n";
  }
  if (line == "grant" || line.starts_with("grant ")) {
    std::optional<std::string> to;
    if (line.size() > 6) to = std::string(line.substr(6));
    const auto r = access.grant(to);
    return (r.ok ? "ok " : "error ") + r.message + "\n";
  }
  if (line == "revoke") {
    return access.revoke() ? "ok back to read-only\n" : "ok already read-only\n";
  }
  return "error unknown command (status, grant [ID], revoke, share window 0xID|NAME, share "
         "desktop)\n";
}

ctl_server::ctl_server(asio::io_context& io, access_control& access)
    : io_(io), access_(access), acceptor_(io) {}

ctl_server::~ctl_server() {
  close();
}

bool ctl_server::listen(const std::string& path, std::string& error) {
  if (path.size() >= sizeof(sockaddr_un::sun_path)) {
    error = "control socket path too long: " + path;
    return false;
  }
  if (!prepare_ctl_directory(path, error)) return false;
  struct stat st {};
  if (lstat(path.c_str(), &st) == 0) {
    if (!S_ISSOCK(st.st_mode) || st.st_uid != getuid()) {
      error = path + " exists and is not this user's socket";
      return false;
    }
    local::socket probe(io_);
    boost::system::error_code ec;
    probe.connect(local::endpoint(path), ec);
    if (!ec) {
      error = "another visit-client is running (" + path + ")";
      return false;
    }
    ::unlink(path.c_str());  // stale
  }
  boost::system::error_code ec;
  acceptor_.open(local(), ec);
  // The socket file is created with mode 0600 (bind honours the umask); nothing else runs yet.
  const mode_t old = ::umask(0177);
  if (!ec) acceptor_.bind(local::endpoint(path), ec);
  ::umask(old);
  if (!ec) acceptor_.listen(8, ec);
  if (ec) {
    error = "control socket " + path + ": " + ec.message();
    acceptor_.close(ec);
    return false;
  }
  path_ = path;
  accept();
  return true;
}

void ctl_server::close() {
  if (!acceptor_.is_open()) return;
  boost::system::error_code ec;
  acceptor_.close(ec);
  if (!path_.empty()) ::unlink(path_.c_str());
  path_.clear();
}

void ctl_server::accept() {
  acceptor_.async_accept([this](boost::system::error_code ec, local::socket s) {
    if (ec == asio::error::operation_aborted || !acceptor_.is_open()) return;
    if (!ec) {
      if (peer_is_me(s.native_handle())) {
        std::make_shared<ctl_connection>(std::move(s), access_, share_)->start();
      } else {
        ++refused_;
        log_line("control socket: refused a connection from another user");
      }
    }
    accept();
  });
}

int run_ctl(std::span<const std::string_view> args) {
  std::string path = default_ctl_socket_path();
  std::string command;
  for (std::size_t i = 0; i < args.size(); ++i) {
    const std::string_view a = args[i];
    if (a == "--socket" && i + 1 < args.size()) {
      path = std::string(args[++i]);
    } else if (a.starts_with("--socket=")) {
      path = std::string(a.substr(9));
    } else if (a == "--to" && i + 1 < args.size() && command == "grant") {
      command += " " + std::string(args[++i]);
    } else if (command.empty() && (a == "grant" || a == "revoke" || a == "status")) {
      command = std::string(a);
    } else if (command.empty() && a == "share" && i + 1 < args.size() && args[i + 1] == "desktop") {
      command = "share desktop";
      ++i;
    } else if (command.empty() && a == "share" && i + 2 < args.size() && args[i + 1] == "window" &&
               !args[i + 2].empty()) {
      command = "share window " + std::string(args[i + 2]);
      i += 2;
    } else {
      command.clear();
      break;
    }
  }
  if (command.empty() || command.find('\n') != std::string::npos || command.size() > max_line) {
    (void)std::fputs(
        "usage: visit-client ctl status|revoke|grant [--to ID] [--socket PATH]\n"
        "       visit-client ctl share window 0xID|NAME | share desktop [--socket PATH]\n",
        stderr);
    return 2;
  }
  asio::io_context io;
  local::socket s(io);
  boost::system::error_code ec;
  s.connect(local::endpoint(path), ec);
  if (ec) {
    (void)std::fprintf(stderr, "visit-client ctl: no running visit-client at %s (%s)\n",
                       path.c_str(), ec.message().c_str());
    return 3;
  }
  command += "\n";
  asio::write(s, asio::buffer(command), ec);
  std::string reply;
  char buf[1024];
  for (;;) {
    const std::size_t n = s.read_some(asio::buffer(buf), ec);
    reply.append(buf, n);
    if (ec || reply.size() > 65536) break;
  }
  (void)std::fputs(reply.c_str(), stdout);  // the exit code below tells the outcome
  const auto last = reply.rfind('\n', reply.size() >= 2 ? reply.size() - 2 : 0);
  const std::string_view tail =
      std::string_view(reply).substr(last == std::string::npos ? 0 : last + 1);
  return tail.starts_with("ok") ? 0 : 1;
}

}  // namespace visit::client
