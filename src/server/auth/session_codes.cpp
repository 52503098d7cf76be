#include "server/auth/session_codes.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <stdexcept>

namespace visit::server {

session_codes::session_codes(store& db, std::string key, clock_fn now, config c)
    : db_(db), key_(std::move(key)), now_(std::move(now)), cfg_(c), fresh_tokens_(c.fresh_burst) {
  if (key_.size() != crypto_auth_hmacsha256_KEYBYTES) {
    throw std::runtime_error("session code key must be 32 bytes");
  }
  fresh_stamp_ = now_();
}

std::string session_codes::load_or_create_key(const std::filesystem::path& file) {
  std::string key(crypto_auth_hmacsha256_KEYBYTES, '\0');
  int fd = ::open(file.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = ::read(fd, key.data(), key.size());
    ::close(fd);
    if (n != static_cast<ssize_t>(key.size())) {
      throw std::runtime_error("session code key " + file.string() + " is not 32 bytes");
    }
    return key;
  }
  randombytes_buf(key.data(), key.size());
  fd = ::open(file.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0 || ::write(fd, key.data(), key.size()) != static_cast<ssize_t>(key.size()) ||
      ::fsync(fd) != 0) {
    if (fd >= 0) ::close(fd);
    throw std::runtime_error("cannot write session code key " + file.string());
  }
  ::close(fd);
  return key;
}

std::optional<std::string> session_codes::normalize(std::string_view code) {
  std::string digits;
  for (char c : code) {
    if (c == ' ' || c == '-') continue;
    if (c < '0' || c > '9') return std::nullopt;
    digits += c;
    if (digits.size() > 9) return std::nullopt;
  }
  if (digits.size() != 9) return std::nullopt;
  return digits;
}

std::string session_codes::hash(std::string_view digits) const {
  unsigned char mac[crypto_auth_hmacsha256_BYTES];
  crypto_auth_hmacsha256_state st;
  crypto_auth_hmacsha256_init(&st, reinterpret_cast<const unsigned char*>(key_.data()),
                              key_.size());
  crypto_auth_hmacsha256_update(&st, reinterpret_cast<const unsigned char*>(digits.data()),
                                digits.size());
  crypto_auth_hmacsha256_final(&st, mac);
  static const char* hex = "0123456789abcdef";
  std::string out;
  for (unsigned char b : mac) {
    out += hex[b >> 4];
    out += hex[b & 15];
  }
  return out;
}

std::optional<session_codes::live_code> session_codes::create(const std::string& technician,
                                                              create_error* error) {
  std::int64_t now = now_();
  std::lock_guard lock(mutex_);
  if (db_.live_code_count(technician, now) >=
      static_cast<std::int64_t>(cfg_.max_live_per_technician)) {
    if (error) *error = create_error::too_many;
    return std::nullopt;
  }
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::uint32_t n = randombytes_uniform(1000000000u);
    char buf[16];
    std::snprintf(buf, sizeof buf, "%09u", n);
    std::string digits(buf, 9);
    std::string h = hash(digits);
    if (db_.find_code(h)) continue;  // the same digits were issued before: draw again
    live_code c{digits.substr(0, 3) + " " + digits.substr(3, 3) + " " + digits.substr(6, 3),
                now + cfg_.ttl_s};
    if (!db_.add_code(h, technician, now, c.expires_at)) break;
    live_.push_back({technician, h, c});
    return c;
  }
  if (error) *error = create_error::failed;
  return std::nullopt;
}

std::vector<session_codes::live_code> session_codes::live_for(const std::string& technician) {
  std::int64_t now = now_();
  std::lock_guard lock(mutex_);
  std::erase_if(live_, [now](const memo& m) { return m.code.expires_at <= now; });
  std::vector<live_code> out;
  for (auto& m : live_) {
    if (m.technician == technician) out.push_back(m.code);
  }
  std::sort(out.begin(), out.end(),
            [](const live_code& a, const live_code& b) { return a.expires_at < b.expires_at; });
  return out;
}

void session_codes::prune(std::int64_t now) {
  std::int64_t since = now - cfg_.window_s;
  while (!failures_.empty() && failures_.front() <= since) failures_.pop_front();
  for (auto it = failures_by_address_.begin(); it != failures_by_address_.end();) {
    auto& q = it->second;
    while (!q.empty() && q.front() <= since) q.pop_front();
    it = q.empty() ? failures_by_address_.erase(it) : std::next(it);
  }
}

session_codes::redeem_result session_codes::redeem(const std::string& address,
                                                   std::string_view code) {
  std::int64_t now = now_();
  std::lock_guard lock(mutex_);
  prune(now);
  redeem_result out;
  auto refuse_budget = [&] {
    ++counters_.over_budget;
    out.result = outcome::refused_over_budget;
    return out;
  };
  auto it = failures_by_address_.find(address);
  std::size_t address_failures = it == failures_by_address_.end() ? 0 : it->second.size();
  if (address_failures >= cfg_.per_address_failures) return refuse_budget();
  if (failures_.size() >= cfg_.global_failures) {
    if (address_failures > 0) return refuse_budget();
    // The separate, slow allowance for addresses without failures.
    double refill = static_cast<double>(now - fresh_stamp_) / cfg_.fresh_refill_s;
    if (refill > 0) {
      fresh_tokens_ = std::min(cfg_.fresh_burst, fresh_tokens_ + refill);
      fresh_stamp_ = now;
    }
    if (fresh_tokens_ < 1) return refuse_budget();
    fresh_tokens_ -= 1;
  }
  ++counters_.lookups;
  auto digits = normalize(code);
  std::optional<std::string> technician;
  if (digits) {
    std::string h = hash(*digits);
    technician = db_.consume_code(h, now);
    if (technician) std::erase_if(live_, [&](const memo& m) { return m.hash == h; });
  }
  if (!technician) {
    ++counters_.failures;
    failures_.push_back(now);
    failures_by_address_[address].push_back(now);
    out.result = outcome::refused_unknown;
    return out;
  }
  ++counters_.paired;
  out.result = outcome::paired;
  out.technician = std::move(*technician);
  return out;
}

session_codes::counters session_codes::stats() {
  std::lock_guard lock(mutex_);
  return counters_;
}

}  // namespace visit::server
