// Per-address and global caps on open connections (docs/security.md, "Limits").
// A connection holds a connection_limiter::slot from accept to its last byte; the slot gives
// its place back when destroyed. Thread-safety: any thread (one mutex).
#pragma once
#include <cstddef>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>

namespace visit::server {

class connection_limiter : public std::enable_shared_from_this<connection_limiter> {
 public:
  class slot {
   public:
    slot() = default;
    slot(std::shared_ptr<connection_limiter> owner, std::string address);
    slot(slot&& other) noexcept = default;
    slot& operator=(slot&& other) noexcept;
    ~slot();
    const std::string& address() const { return address_; }

   private:
    void release();
    std::shared_ptr<connection_limiter> owner_;
    std::string address_;
  };

  connection_limiter(std::size_t per_address, std::size_t total);

  // A slot for a new connection from `address` (an IP address without port), or nullopt
  // when that address or the server is at its cap.
  std::optional<slot> try_acquire(const std::string& address);
  std::size_t open_connections();

 private:
  void release(const std::string& address);
  std::size_t per_address_;
  std::size_t total_cap_;
  std::mutex mutex_;
  std::size_t total_ = 0;
  std::unordered_map<std::string, std::size_t> by_address_;
};

}  // namespace visit::server
