#include "client/x11_input_sink.hpp"

#include <boost/asio/post.hpp>
#include <utility>

#include "client/client_log.hpp"

namespace visit::client {

std::string_view key_code_for_index(std::uint16_t code) {
  const protocol::key_info* key = protocol::find_key(code);
  return key ? key->code : std::string_view();
}

std::string_view special_name(protocol::special_key key) {
  // visit_input names the lone Windows key "win"; the other names are the protocol's.
  if (key == protocol::special_key::meta) return "win";
  return protocol::to_string(key);
}

std::unique_ptr<x11_input_sink> x11_input_sink::create(const std::string& display,
                                                       input::injection_ledger& ledger,
                                                       std::string& error) {
  auto injector = input::make_input_injector(display, &ledger, error);
  if (!injector) return nullptr;
  return std::unique_ptr<x11_input_sink>(new x11_input_sink(std::move(injector)));
}

x11_input_sink::x11_input_sink(std::unique_ptr<input::input_injector> injector)
    : injector_(std::move(injector)) {}

void x11_input_sink::report(const char* what, input::input_error e) {
  if (e == input::input_error::none) return;
  if (e == input::input_error::display_lost) {
    if (!lost_logged_) log_line(std::string("input: display lost; ") + what + " not injected");
    lost_logged_ = true;
    return;
  }
  log_line(std::string("input: ") + what + " refused (" + input::to_string(e) + ")");
}

void x11_input_sink::pointer_move(std::uint16_t x, std::uint16_t y) {
  report("pointer_move", injector_->pointer_move(x, y));
}

void x11_input_sink::button(std::uint8_t button, bool pressed, std::uint16_t x, std::uint16_t y) {
  report("pointer_move", injector_->pointer_move(x, y));
  report("button", injector_->button(button, pressed));
}

void x11_input_sink::wheel(std::int16_t dx, std::int16_t dy) {
  report("wheel", injector_->wheel(dx, dy));
}

void x11_input_sink::key(std::uint16_t code, bool pressed) {
  if (!protocol::find_key(code)) {
    log_line("input: key index " + std::to_string(code) + " unknown");
    return;
  }
  report("key", injector_->key(code, pressed));
}

void x11_input_sink::special(protocol::special_key key) {
  report("special", injector_->special(special_name(key)));
}

void x11_input_sink::paste_text(std::string_view utf8) {
  report("paste_text", injector_->type_text(utf8));
}

released_input x11_input_sink::release_all() {
  const input::pressed_state released = injector_->release_all();
  if (released.empty()) return {};
  std::string line = "input: released";
  for (const auto& k : released.keys) line += " " + k;
  for (const int b : released.buttons) line += " button" + std::to_string(b);
  log_line(line);
  return {released.keys.size(), released.buttons.size()};
}

local_input_watch::local_input_watch(boost::asio::io_context& io, access_control& access,
                                     std::string display, input::injection_ledger& ledger)
    : io_(io), access_(access), display_(std::move(display)), ledger_(ledger), resume_timer_(io) {}

local_input_watch::~local_input_watch() {
  monitor_.reset();  // waits for a running callback; its post is ignored by generation_
}

void local_input_watch::sync() {
  const auto ends = access_.pause_ends();
  if (ends != resume_at_) {
    resume_at_ = ends;
    resume_timer_.cancel();
    if (ends) {
      resume_timer_.expires_at(*ends);
      resume_timer_.async_wait([this](boost::system::error_code ec) {
        if (ec) return;  // cancelled: a new deadline, or shutting down
        resume_at_.reset();
        access_.on_tick();
        sync();  // the pause may have been extended meanwhile
      });
    }
  }
  const bool want = access_.mode() == access_mode::full_access;
  if (want == static_cast<bool>(monitor_)) return;
  ++generation_;
  if (!want) {
    monitor_.reset();
    return;
  }
  std::string error;
  const std::uint64_t generation = generation_;
  monitor_ = input::make_local_input_monitor(
      display_, ledger_,
      [this, generation](const input::local_input_event& e) {
        // Monitor thread: hand over to the network thread, which owns access_control.
        const auto kind = e.kind;
        const auto evidence = e.evidence;
        const auto detected_at = e.detected_at;
        boost::asio::post(io_, [this, generation, kind, evidence, detected_at] {
          if (generation != generation_ || access_.mode() != access_mode::full_access) return;
          const auto ms = std::chrono::duration<double, std::milli>(
                              std::chrono::steady_clock::now() - detected_at)
                              .count();
          log_line(std::string("local input: ") + input::to_string(kind) + " (" +
                   input::to_string(evidence) + ", " + std::to_string(ms) + " ms ago)");
          access_.on_local_input();
          sync();
        });
      },
      error);
  if (!monitor_ && !failed_logged_) {
    failed_logged_ = true;
    log_line("cannot watch local input (" + error + "): mouse precedence unavailable");
  }
}

}  // namespace visit::client
