#include "client/uplink_mailbox.hpp"

#include <algorithm>
#include <utility>

namespace visit::client {

void uplink_mailbox::set_capture_waker(std::function<void()> wake_capture) {
  wake_capture_ = std::move(wake_capture);
}

void uplink_mailbox::set_network_notifier(std::function<void()> network_ready) {
  network_ready_ = std::move(network_ready);
}

link_status uplink_mailbox::status_locked() const {
  link_status s;
  s.stopping = stopping_;
  s.connection = connected_ ? connection_ : 0;
  s.viewers = connected_ ? viewers_ : 0;
  s.refresh = refresh_;
  s.frame_slot_free = connected_ && !stopping_ && !frame_ && outstanding_ < credit_;
  return s;
}

void uplink_mailbox::changed(std::unique_lock<std::mutex>& lock) {
  lock.unlock();
  cv_.notify_all();
  if (wake_capture_) wake_capture_();
}

link_status uplink_mailbox::status() {
  std::lock_guard lock(mutex_);
  return status_locked();
}

void uplink_mailbox::wait(const link_status& seen, std::chrono::steady_clock::time_point deadline) {
  std::unique_lock lock(mutex_);
  const auto differs = [&] { return status_locked() != seen; };
  if (deadline == std::chrono::steady_clock::time_point::max()) {
    cv_.wait(lock, differs);
  } else {
    cv_.wait_until(lock, deadline, differs);
  }
}

bool uplink_mailbox::offer_frame(std::uint64_t connection, outgoing_frame frame) {
  {
    std::lock_guard lock(mutex_);
    if (!connected_ || connection != connection_ || !status_locked().frame_slot_free) return false;
    frame_ = std::move(frame);
    ++outstanding_;
  }
  if (network_ready_) network_ready_();
  return true;
}

void uplink_mailbox::offer_cursor_shape(std::uint64_t connection,
                                        std::vector<std::uint8_t> message) {
  {
    std::lock_guard lock(mutex_);
    if (!connected_ || connection != connection_) return;
    cursor_shape_ = std::move(message);
  }
  if (network_ready_) network_ready_();
}

void uplink_mailbox::offer_cursor_position(std::uint64_t connection,
                                           std::vector<std::uint8_t> message) {
  {
    std::lock_guard lock(mutex_);
    if (!connected_ || connection != connection_) return;
    cursor_position_ = std::move(message);
  }
  if (network_ready_) network_ready_();
}

std::uint64_t uplink_mailbox::connection_opened(std::uint32_t credit) {
  std::unique_lock lock(mutex_);
  connected_ = true;
  connection_ = ++connections_made_;
  viewers_ = 0;
  credit_ = credit;
  outstanding_ = 0;
  frame_.reset();
  cursor_shape_.reset();
  cursor_position_.reset();
  const auto id = connection_;
  changed(lock);
  return id;
}

void uplink_mailbox::connection_closed() {
  std::unique_lock lock(mutex_);
  if (!connected_) return;
  connected_ = false;
  viewers_ = 0;
  outstanding_ = 0;
  frame_.reset();
  cursor_shape_.reset();
  cursor_position_.reset();
  changed(lock);
}

void uplink_mailbox::set_viewers(int count) {
  std::unique_lock lock(mutex_);
  count = std::max(count, 0);
  if (viewers_ == count) return;
  if (viewers_ == 0) ++refresh_;
  viewers_ = count;
  changed(lock);
}

void uplink_mailbox::frames_acked(std::uint32_t count) {
  if (count == 0) return;
  std::unique_lock lock(mutex_);
  outstanding_ -= std::min(outstanding_, count);
  changed(lock);
}

std::optional<uplink_mailbox::outgoing_message> uplink_mailbox::take_next() {
  std::unique_lock lock(mutex_);
  if (frame_ && !frame_->screen_info.empty()) {
    return outgoing_message{std::exchange(frame_->screen_info, {}), false};
  }
  if (cursor_shape_) {
    auto m = outgoing_message{std::move(*cursor_shape_), false};
    cursor_shape_.reset();
    return m;
  }
  if (cursor_position_) {
    auto m = outgoing_message{std::move(*cursor_position_), false};
    cursor_position_.reset();
    return m;
  }
  if (frame_) {
    auto m = outgoing_message{std::move(frame_->frame), true};
    frame_.reset();
    changed(lock);  // the slot is free again
    return m;
  }
  return std::nullopt;
}

void uplink_mailbox::stop() {
  std::unique_lock lock(mutex_);
  if (stopping_) return;
  stopping_ = true;
  changed(lock);
}

}  // namespace visit::client
