// The local control socket (src/client/README.md, "Local control"): `visit-client ctl
// grant|revoke|status` talks to the running client over a Unix-domain socket that only the
// same user can reach (0600 socket in a 0700 directory, SO_PEERCRED uid checked). It is the
// only path to access_control::grant(): a grant never comes from the network.
//
// Thread-safety: ctl_server runs on the network thread's io_context; run_ctl is a blocking
// command-line helper.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/local/stream_protocol.hpp>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>

#include "client/access_control.hpp"
#include "client/window_share.hpp"

namespace visit::client {

// $XDG_RUNTIME_DIR/visit-client.sock, or /tmp/visit-client-<uid>/ctl.sock.
std::string default_ctl_socket_path();

// Creates the fallback directory (mode 0700) if the path is in /tmp/visit-client-<uid>/, and
// checks that the directory holding `path` belongs to this user and is not writable by others.
bool prepare_ctl_directory(const std::string& path, std::string& error);

// One request line -> the reply (lines, the last is "ok ..." or "error ..."). Pure but for
// `share` ("share window 0xID|NAME", "share desktop"; null: those commands are refused).
std::string handle_ctl_command(access_control& access, std::string_view line,
                               window_share* share = nullptr);

class ctl_server {
 public:
  ctl_server(boost::asio::io_context& io, access_control& access);
  ~ctl_server();
  ctl_server(const ctl_server&) = delete;
  ctl_server& operator=(const ctl_server&) = delete;

  // Binds `path` (mode 0600; a stale socket of this user is replaced, a live one is an error).
  bool listen(const std::string& path, std::string& error);
  void close();
  // Lets `share ...` commands change what is shared (`share` outlives the server).
  void set_window_share(window_share* share) { share_ = share; }
  // Connections refused by the peer check (tests).
  int refused_peers() const { return refused_; }

 private:
  void accept();

  boost::asio::io_context& io_;
  access_control& access_;
  boost::asio::local::stream_protocol::acceptor acceptor_;
  std::string path_;
  window_share* share_ = nullptr;
  int refused_ = 0;
};

// `visit-client ctl ...` (args after "ctl"): prints the reply; 0 ok, 1 refused by the client,
// 2 usage, 3 no running client.
int run_ctl(std::span<const std::string_view> args);

}  // namespace visit::client
