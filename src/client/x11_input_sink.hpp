// The input_sink that replays accepted remote input on the customer's desktop through
// visit_input's injector (XTEST under X11), and the mouse-precedence watcher that runs while a
// technician holds Full-Access. One injection_ledger is shared by both, so the monitor does
// not mistake the injector's own events for the customer's.
// Thread-safety: x11_input_sink and local_input_watch are used on the network thread only;
// the monitor's callback (its own thread) only posts to the network thread.
#pragma once
#include <boost/asio/io_context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "client/access_control.hpp"
#include "client/input_sink.hpp"
#include "input/injection_ledger.hpp"
#include "input/input_injector.hpp"
#include "input/local_input_monitor.hpp"

namespace visit::client {

// KeyboardEvent.code of a protocol key number (for logs), or empty if out of range /
// "Unidentified". Keys are injected by number, never through this name.
std::string_view key_code_for_index(std::uint16_t code);
// The name of visit_input's special() combination for a protocol special key.
std::string_view special_name(protocol::special_key key);

class x11_input_sink final : public input_sink {
 public:
  // Null with `error` set if the display cannot be injected into.
  static std::unique_ptr<x11_input_sink> create(const std::string& display,
                                                input::injection_ledger& ledger,
                                                std::string& error);

  void pointer_move(std::uint16_t x, std::uint16_t y) override;
  void button(std::uint8_t button, bool pressed, std::uint16_t x, std::uint16_t y) override;
  void wheel(std::int16_t dx, std::int16_t dy) override;
  void key(std::uint16_t code, bool pressed) override;
  void special(protocol::special_key key) override;
  void paste_text(std::string_view utf8) override;
  released_input release_all() override;

 private:
  explicit x11_input_sink(std::unique_ptr<input::input_injector> injector);
  void report(const char* what, input::input_error e);

  std::unique_ptr<input::input_injector> injector_;
  bool lost_logged_ = false;
};

// Runs a local_input_monitor while `access` is in Full-Access and tells access_control of the
// customer's own input (on the io_context's thread), and ends a pause on time (a timer at
// access_control::pause_ends()). Call sync() after every access change.
class local_input_watch {
 public:
  local_input_watch(boost::asio::io_context& io, access_control& access, std::string display,
                    input::injection_ledger& ledger);
  ~local_input_watch();
  void sync();

 private:
  boost::asio::io_context& io_;
  access_control& access_;
  std::string display_;
  input::injection_ledger& ledger_;
  std::unique_ptr<input::local_input_monitor> monitor_;
  boost::asio::steady_timer resume_timer_;
  std::optional<std::chrono::steady_clock::time_point> resume_at_;  // the timer's deadline
  std::uint64_t generation_ = 0;  // ignores reports of a monitor already destroyed
  bool failed_logged_ = false;
};

}  // namespace visit::client
