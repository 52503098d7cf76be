#include "client/send_window.hpp"

namespace visit::client {

void send_window::sent(std::uint32_t sequence) {
  unacked_.push_back(sequence);
  newest_sent_ = sequence;
}

std::optional<std::uint32_t> send_window::acked(std::uint32_t sequence) {
  if (newest_sent_ == 0 || sequence > newest_sent_) return std::nullopt;
  std::uint32_t released = 0;
  while (!unacked_.empty() && unacked_.front() <= sequence) {
    unacked_.pop_front();
    ++released;
  }
  return released;
}

}  // namespace visit::client
