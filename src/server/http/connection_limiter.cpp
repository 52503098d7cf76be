#include "server/http/connection_limiter.hpp"

namespace visit::server {

connection_limiter::slot::slot(std::shared_ptr<connection_limiter> owner, std::string address)
    : owner_(std::move(owner)), address_(std::move(address)) {}

connection_limiter::slot& connection_limiter::slot::operator=(slot&& other) noexcept {
  if (this != &other) {
    release();
    owner_ = std::move(other.owner_);
    address_ = std::move(other.address_);
  }
  return *this;
}

connection_limiter::slot::~slot() {
  release();
}

void connection_limiter::slot::release() {
  if (owner_) owner_->release(address_);
  owner_.reset();
}

connection_limiter::connection_limiter(std::size_t per_address, std::size_t total)
    : per_address_(per_address), total_cap_(total) {}

std::optional<connection_limiter::slot> connection_limiter::try_acquire(
    const std::string& address) {
  {
    std::lock_guard lock(mutex_);
    auto& n = by_address_[address];
    if (n >= per_address_ || total_ >= total_cap_) {
      if (n == 0) by_address_.erase(address);
      return std::nullopt;
    }
    ++n;
    ++total_;
  }
  return slot(shared_from_this(), address);
}

std::size_t connection_limiter::open_connections() {
  std::lock_guard lock(mutex_);
  return total_;
}

void connection_limiter::release(const std::string& address) {
  std::lock_guard lock(mutex_);
  auto it = by_address_.find(address);
  if (it == by_address_.end()) return;
  if (--it->second == 0) by_address_.erase(it);
  --total_;
}

}  // namespace visit::server
