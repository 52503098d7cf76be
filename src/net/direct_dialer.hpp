// A tcp_dialer that resolves the server's name and connects straight to it, trying each
// address in turn, all within one time budget (10 s by default).
// Thread-safety: network thread only; holds no per-dial state (each dial owns its own).
#pragma once
#include <chrono>

#include "net/tcp_dialer.hpp"

namespace visit::net {

class direct_dialer final : public tcp_dialer {
 public:
  explicit direct_dialer(std::chrono::milliseconds timeout = std::chrono::seconds(10))
      : timeout_(timeout) {}
  void async_dial(boost::beast::tcp_stream& stream, const server_address& to,
                  handler done) override;

 private:
  std::chrono::milliseconds timeout_;
};

}  // namespace visit::net
