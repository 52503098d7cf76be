// The seam for how the client reaches the server's TCP port: directly (direct_dialer) or,
// later, through an HTTP CONNECT / SOCKS5 proxy found from the environment or a PAC file.
// Whatever the dialer does, on success the stream is a byte pipe to the server on which the
// caller starts TLS; the dialer never sees or sends application data.
// Thread-safety: called on the stream's executor (the network thread) only.
#pragma once
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/system/error_code.hpp>
#include <functional>
#include <string>

#include "net/server_address.hpp"

namespace visit::net {

class tcp_dialer {
 public:
  // `detail` is one line for the log when `ec` is set (what failed, with which address).
  using handler = std::function<void(boost::system::error_code ec, std::string detail)>;
  virtual ~tcp_dialer() = default;

  // Connects `stream` to `to` within the dialer's own time budget and calls `done` exactly
  // once, on the stream's executor. `stream` must outlive the operation (the caller keeps it
  // alive through `done`). On success the stream has no expiry set.
  virtual void async_dial(boost::beast::tcp_stream& stream, const server_address& to,
                          handler done) = 0;
};

}  // namespace visit::net
