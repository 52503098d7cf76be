#include "server/live/console_feed.hpp"

#include <boost/json.hpp>

namespace visit::server {

console_feed::console_feed(snapshot_fn build_snapshot, std::size_t max_queued_bytes)
    : build_snapshot_(std::move(build_snapshot)), max_queued_bytes_(max_queued_bytes) {}

console_feed::conn_id console_feed::add(std::weak_ptr<sink> s, viewer who) {
  conn_id id;
  {
    std::lock_guard lock(mutex_);
    id = next_id_++;
    auto c = std::make_shared<conn>();
    c->s = s;
    c->who = std::move(who);
    conns_[id] = std::move(c);
  }
  if (auto p = s.lock()) p->wake();
  return id;
}

void console_feed::remove(conn_id id) {
  std::lock_guard lock(mutex_);
  conns_.erase(id);
}

void console_feed::push(conn& c, std::string text) {
  if (c.needs_snapshot) return;  // the snapshot will carry it
  if (c.bytes + text.size() > max_queued_bytes_) {
    c.queue.clear();
    c.bytes = 0;
    c.needs_snapshot = true;
    ++resyncs_;
    return;
  }
  c.bytes += text.size();
  c.queue.push_back(std::move(text));
}

void console_feed::publish(const std::string& request_id, const std::string& event_json,
                           const may_see_fn& may_see) {
  std::vector<std::shared_ptr<conn>> to_wake;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : conns_) {
      if (may_see(c->who)) {
        c->shown.insert(request_id);
        push(*c, event_json);
        to_wake.push_back(c);
      } else if (c->shown.erase(request_id) > 0) {
        push(*c, removed_event_json(request_id));
        to_wake.push_back(c);
      }
    }
  }
  for (auto& c : to_wake) {
    if (auto p = c->s.lock()) p->wake();
  }
}

std::optional<std::string> console_feed::next(conn_id id) {
  std::shared_ptr<conn> c;
  viewer who;
  {
    std::lock_guard lock(mutex_);
    auto it = conns_.find(id);
    if (it == conns_.end()) return std::nullopt;
    c = it->second;
    if (!c->needs_snapshot) {
      if (c->queue.empty()) return std::nullopt;
      std::string out = std::move(c->queue.front());
      c->queue.pop_front();
      c->bytes -= out.size();
      return out;
    }
    c->needs_snapshot = false;
    c->queue.clear();
    c->bytes = 0;
    c->shown.clear();
    who = c->who;
  }
  // Events published while the snapshot is built queue up behind it; they are at least as
  // new as what it shows.
  snapshot s = build_snapshot_(who);
  std::lock_guard lock(mutex_);
  c->shown.insert(s.ids.begin(), s.ids.end());
  return std::move(s.json);
}

void console_feed::resync_all() {
  std::vector<std::weak_ptr<sink>> to_wake;
  {
    std::lock_guard lock(mutex_);
    for (auto& [id, c] : conns_) {
      c->needs_snapshot = true;
      c->queue.clear();
      c->bytes = 0;
      to_wake.push_back(c->s);
    }
  }
  for (auto& w : to_wake) {
    if (auto p = w.lock()) p->wake();
  }
}

std::size_t console_feed::size() {
  std::lock_guard lock(mutex_);
  return conns_.size();
}

std::uint64_t console_feed::resyncs() {
  std::lock_guard lock(mutex_);
  return resyncs_;
}

std::string removed_event_json(const std::string& request_id) {
  boost::json::object o;
  o["event"] = "removed";
  o["id"] = request_id;
  return boost::json::serialize(o);
}

}  // namespace visit::server
