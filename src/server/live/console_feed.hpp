// The Call Manager feed (docs/protocol.md §3.6): fans request changes out to every open
// /ws/console connection.
//
// Each connection has a bounded queue of console_event JSON texts (`max_queued_bytes`). A
// console that does not keep up is not given a backlog: its queue is dropped and it gets a
// fresh snapshot instead, built when it is ready to write again. The feed also remembers which
// requests each console has been shown, so a request that leaves a technician's view (moved
// to a queue they cannot see) becomes a `removed` event.
//
// Threading: every method may be called from any thread; one mutex guards the connections.
// `sink::wake()` is called without that mutex held; the sink then calls next() from its own
// strand until it returns nullopt. The snapshot builder runs without the mutex held too.
#pragma once
#include <cstdint>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace visit::server {

class console_feed {
 public:
  using conn_id = std::uint64_t;

  class sink {
   public:
    // There is something to read with next(). Any thread; must not block.
    virtual void wake() = 0;

   protected:
    ~sink() = default;
  };

  struct viewer {
    std::string username;
    std::string role;
  };
  struct snapshot {
    std::string json;              // the whole console_event
    std::vector<std::string> ids;  // the requests it shows
  };
  using snapshot_fn = std::function<snapshot(const viewer&)>;
  using may_see_fn = std::function<bool(const viewer&)>;

  static constexpr std::size_t default_max_queued_bytes = 256 * 1024;

  explicit console_feed(snapshot_fn build_snapshot,
                        std::size_t max_queued_bytes = default_max_queued_bytes);

  // A new console; its first message is a snapshot. The feed holds the sink weakly.
  conn_id add(std::weak_ptr<sink> s, viewer who);
  void remove(conn_id id);

  // A request was added or changed: `event_json` (a "request" console_event) goes to every
  // console for which may_see() holds; consoles that saw it before and may not now get
  // `removed`.
  void publish(const std::string& request_id, const std::string& event_json,
               const may_see_fn& may_see);

  // The next message for a console, or nullopt when it has nothing queued.
  std::optional<std::string> next(conn_id id);

  // Every console gets a fresh snapshot next (visibility rules changed).
  void resync_all();

  std::size_t size();
  std::uint64_t resyncs();  // snapshots sent because a queue overflowed

 private:
  struct conn {
    std::weak_ptr<sink> s;
    viewer who;
    std::deque<std::string> queue;
    std::size_t bytes = 0;
    bool needs_snapshot = true;
    std::set<std::string> shown;
  };
  void push(conn& c, std::string text);

  snapshot_fn build_snapshot_;
  std::size_t max_queued_bytes_;
  std::mutex mutex_;
  conn_id next_id_ = 1;
  std::map<conn_id, std::shared_ptr<conn>> conns_;
  std::uint64_t resyncs_ = 0;
};

// {"event":"removed","id":ID}
std::string removed_event_json(const std::string& request_id);

}  // namespace visit::server
