// A Call Manager feed (/ws/console; docs/protocol.md §3.6) over ws_connection. It registers
// with the console_feed and writes what the feed hands out, one console_event at a time (the
// feed bounds each console's queue); it is registered with its login session, so logout and
// expiry close it. A console sends nothing: anything but close_reason closes it.
//
// Failure: a console whose login ended before it registered is closed `unauthorized`.
// Threading: as ws_connection; wake() (the feed, any thread) and shut_down() (logout, any
// thread) only post to the strand. Lifetime: shared_ptr; the feed holds it weakly; it leaves
// the feed and the per-login registry in on_finish().
#pragma once
#include <memory>
#include <optional>
#include <string>

#include "server/live/console_feed.hpp"
#include "server/live/live_connection.hpp"
#include "server/live/ws_connection.hpp"

namespace visit::server {

class console_connection final : public ws_connection,
                                 public console_feed::sink,
                                 public live_connection {
 public:
  // A console sends at most a close_reason.
  static constexpr std::size_t read_message_max = 4096;

  console_connection(ws_upgrade&& upgrade, std::shared_ptr<shared_state> state,
                     connection_limiter::slot slot, std::string peer, login_identity login);

  // console_feed::sink
  void wake() override;
  // live_connection
  void shut_down(protocol::close_code code, std::string_view message) override;

 private:
  void on_open() override;
  void on_message(const protocol::message_view& m) override;
  shared_message next_message() override;
  void on_finish(std::string_view why) override;
  std::string identity() const override;

  login_identity login_;
  std::optional<console_feed::conn_id> console_id_;  // while in the feed
};

}  // namespace visit::server
