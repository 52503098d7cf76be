#include "client/client_app.hpp"

#include <fcntl.h>
#include <unistd.h>

#include <boost/asio/io_context.hpp>
#include <boost/asio/posix/stream_descriptor.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/ssl/context.hpp>
#include <boost/asio/steady_timer.hpp>
#include <condition_variable>
#include <csignal>
#include <cstdlib>
#include <functional>
#include <iostream>
#include <mutex>
#include <optional>
#include <stdexcept>
#include <thread>

#include "capture/display_watch.hpp"
#include "capture/monitors.hpp"
#include "capture/screen_capturer.hpp"
#include "client/access_control.hpp"
#include "client/client_log.hpp"
#include "client/ctl_socket.hpp"
#include "client/customer_session.hpp"
#include "client/frame_pipeline.hpp"
#include "client/headless_wizard.hpp"
#include "client/input_sink.hpp"
#include "client/uplink_mailbox.hpp"
#include "client/window_share.hpp"
#include "client/x11_input_sink.hpp"
#include "collect/collect.hpp"
#include "input/clipboard.hpp"
#include "net/direct_dialer.hpp"

#ifndef VISIT_VERSION
#define VISIT_VERSION "0.0.0"
#endif

namespace visit::client {

namespace asio = boost::asio;

namespace {

// Where the wizard thread hands its outcome: the io_context while run_client() runs, nothing
// after. The thread may outlive run_client() (blocked on the terminal when a signal ends the
// client), so it holds this by shared_ptr and copies of everything else.
struct wizard_handoff {
  std::mutex mutex;
  asio::io_context* io = nullptr;               // guarded by mutex; null once run_client() returns
  std::function<void(wizard_outcome)> deliver;  // runs on the io thread
};

// The shared display's monitors for the hardware collector's "displays" (RandR 1.5).
boost::json::array describe_displays(const std::string& display) {
  std::string error;
  boost::json::array out;
  for (const auto& m : capture::list_monitors(display, error)) {
    out.push_back({{"name", m.name},
                   {"x", m.x},
                   {"y", m.y},
                   {"width", m.width},
                   {"height", m.height},
                   {"width_mm", m.width_mm},
                   {"height_mm", m.height_mm},
                   {"primary", m.primary}});
  }
  if (!error.empty()) throw std::runtime_error(error);  // becomes "displays_error"
  return out;
}

void start_wizard_thread(const std::shared_ptr<wizard_handoff>& handoff,
                         boost::json::object definition, std::int64_t version, wizard_inputs inputs,
                         std::string display) {
  std::thread([handoff, definition = std::move(definition), version, inputs = std::move(inputs),
               display = std::move(display)]() mutable {
    wizard_terminal terminal{std::cin, std::cout, isatty(STDIN_FILENO) == 1,
                             [](const std::string& line) { log_line(line); },
                             [display](const boost::json::object& spec) {
                               collect::context context;
                               context.displays = [display] { return describe_displays(display); };
                               return collect::run(spec, context, collect::limits{});
                             }};
    wizard_outcome outcome = run_headless_wizard(definition, version, inputs, terminal);
    std::lock_guard lock(handoff->mutex);
    if (handoff->io == nullptr) return;
    asio::post(*handoff->io, [handoff, outcome = std::move(outcome)]() mutable {
      handoff->deliver(std::move(outcome));
    });
  }).detach();
}

// The last resort of a shutdown: if run_client() has not returned `limit` after the shutdown
// began (a thread stuck in a library call on a dead display, a join that does not end), the
// process ends with the shutdown's exit code anyway, saying so. Declared first in
// run_client(), so it is disarmed after every other destructor has run.
class exit_deadline {
 public:
  exit_deadline() = default;
  exit_deadline(const exit_deadline&) = delete;
  exit_deadline& operator=(const exit_deadline&) = delete;
  ~exit_deadline() {
    {
      std::lock_guard lock(mutex_);
      done_ = true;
    }
    cv_.notify_all();
    if (thread_.joinable()) thread_.join();
  }

  // Once; later calls are ignored.
  void arm(std::chrono::milliseconds limit, int exit_code) {
    if (thread_.joinable()) return;
    thread_ = std::thread([this, limit, exit_code] {
      std::unique_lock lock(mutex_);
      if (cv_.wait_for(lock, limit, [this] { return done_; })) return;
      log_line("the shutdown did not finish within " + std::to_string(limit.count()) +
               " ms: exiting anyway (exit " + std::to_string(exit_code) + ")");
      std::_Exit(exit_code);
    });
  }

 private:
  std::mutex mutex_;
  std::condition_variable cv_;
  bool done_ = false;  // guarded by mutex_
  std::thread thread_;
};

}  // namespace

const char* client_version() {
  return VISIT_VERSION;
}

int run_client(const client_options& options) {
  // A closed stderr pipe must not kill the client; sockets use MSG_NOSIGNAL already. (signal()
  // fails only for an invalid signal number.)
  (void)std::signal(SIGPIPE, SIG_IGN);
  exit_deadline deadline;

  std::string error;
  std::unique_ptr<capture::screen_capturer> capturer =
      capture::make_screen_capturer(options.display, error);
  if (!capturer) {
    log_line("cannot capture the screen: " + error);
    return 1;
  }
  // The display's end (logout, X server crash) must end the client whatever else runs.
  std::unique_ptr<capture::display_watch> display_watch =
      capture::make_display_watch(options.display, error);
  if (!display_watch) {
    log_line("cannot watch the display: " + error);
    return 1;
  }

  // What is shared: the desktop, or one window (--share-window*, `ctl share`). Without a
  // tracker only the desktop can be shared, and asking for a window is an error.
  std::string tracker_error;
  window_share share(capture::make_window_tracker(options.display, tracker_error));
  if (options.share_window_id || !options.share_window_name.empty()) {
    const auto r = options.share_window_id ? share.share_window(*options.share_window_id)
                                           : share.share_window_named(options.share_window_name);
    if (!r.ok) {
      log_line("cannot share the window: " + r.message +
               (tracker_error.empty() ? "" : " (" + tracker_error + ")"));
      return 2;
    }
  }

  asio::ssl::context tls(asio::ssl::context::tls_client);
  if (!net::configure_client_context(tls.native_handle(), options.trust, error)) {
    log_line(error);
    return 2;
  }

  asio::io_context io(1);
  uplink_mailbox mailbox;
  net::direct_dialer dialer;
  // A descriptor of our own: asio closes it, XCloseDisplay closes the watch's.
  asio::posix::stream_descriptor display_fd(io, fcntl(display_watch->fd(), F_DUPFD_CLOEXEC, 0));

  session_config config;
  config.server = options.server;
  config.identity.client = std::string("visit-client/") + client_version();
  config.identity.code = options.code;
  auto handoff = std::make_shared<wizard_handoff>();
  handoff->io = &io;
  std::function<void(int, const char*)> end_client;  // set below, once everything exists
  config.on_wizard = [handoff, &options](const server_event& welcome) {
    start_wizard_thread(handoff, welcome.wizard, welcome.wizard_version, options.wizard,
                        options.display);
  };
  std::string fatal_reason;
  config.on_fatal = [&end_client, &fatal_reason](int code, const std::string& why) {
    fatal_reason = why;
    if (end_client) end_client(code, "the server ended the request");
  };
  const auto shutdown_limit = config.shutdown_timeout + std::chrono::milliseconds(1500);
  customer_session session(io, tls, options.trust, dialer, std::move(config), mailbox);

  // Access control: Read-Only until the customer grants locally (ctl socket). Accepted input
  // is injected on the captured display (one ledger shared with the mouse-precedence monitor)
  // unless --no-input, which only logs it.
  input::injection_ledger ledger;
  logging_input_sink logging_sink;
  std::unique_ptr<x11_input_sink> injecting_sink;
  if (!options.no_input) {
    injecting_sink = x11_input_sink::create(options.display, ledger, error);
    if (!injecting_sink) log_line("cannot inject input (" + error + "): remote input only logged");
  }
  input_sink& unscoped_sink =
      injecting_sink ? static_cast<input_sink&>(*injecting_sink) : logging_sink;
  // Input outside the shared window is refused before it reaches the injector.
  scoped_input_sink sink(unscoped_sink, share);
  // Run on the network thread after every access change, outside access_control's own call.
  std::function<void()> after_access_change;
  access_control access(
      sink, local_input_policy{options.local_input_pause},
      [] { return std::chrono::steady_clock::now(); },
      [&session, &io, &after_access_change](const std::string& json) {
        session.send_access_state(json);
        asio::post(io, [&after_access_change] {
          if (after_access_change) after_access_change();
        });
      },
      [](const std::string& line) { log_line(line); });
  std::optional<local_input_watch> watch;
  if (injecting_sink) watch.emplace(io, access, options.display, ledger);
  session.set_access_control(&access, &sink);

  // The clipboard (protocol.md §9.4), both ways and only in Full-Access: the controller's text
  // becomes the desktop's clipboard; the customer's copies are read only while Full-Access
  // (watching) and sent to the controller. With --no-input, no clipboard either.
  std::unique_ptr<input::clipboard> clipboard;
  if (!options.no_input) {
    clipboard = input::make_clipboard(
        options.display,
        [&io, &session](const input::clipboard_change& change) {
          // Clipboard thread: hand over to the network thread.
          asio::post(io, [&session, change] {
            if (!change.ok) {
              log_line("clipboard: the customer's clipboard not sent: " + change.why);
              return;
            }
            std::string why;
            if (session.send_clipboard(change.text, why)) {
              log_line("clipboard: " + std::to_string(change.text.size()) +
                       " bytes sent to the controller");
            } else {
              log_line("clipboard: the customer's clipboard not sent: " + why);
            }
          });
        },
        error);
    if (!clipboard) log_line("clipboard unavailable (" + error + ")");
  }
  if (clipboard) {
    session.set_clipboard_target(
        [&clipboard](const std::string& text) { clipboard->set_text(text); });
  }
  after_access_change = [&watch, &clipboard, &access] {
    if (watch) watch->sync();
    if (clipboard) clipboard->set_watching(access.mode() == access_mode::full_access);
  };
  ctl_server ctl(io, access);
  ctl.set_window_share(&share);
  const std::string ctl_path =
      options.ctl_socket.empty() ? default_ctl_socket_path() : options.ctl_socket;
  if (ctl.listen(ctl_path, error)) {
    log_line("control socket " + ctl_path);
  } else {
    // Safe without it: the session stays Read-Only, as nobody can grant.
    log_line("control socket unavailable (" + error + "): full access cannot be granted");
  }

  mailbox.set_capture_waker([&capturer] { capturer->wake(); });
  share.set_waker([&capturer] { capturer->wake(); });
  asio::steady_timer share_timer(io);
  mailbox.set_network_notifier([&session] { session.notify(); });

  int exit_code = 0;
  bool shutting_down = false;
  asio::signal_set signals(io, SIGINT, SIGTERM);
  // `leaving`: the close_reason (customer_left) the server gets, empty for a plain close.
  const auto shut_down = [&](int code, const char* why, std::string leaving) {
    if (shutting_down) return;
    shutting_down = true;
    exit_code = code;
    deadline.arm(shutdown_limit, code);
    log_line(std::string("shutting down (") + why + ")");
    mailbox.stop();
    ctl.close();
    share_timer.cancel();
    display_fd.cancel();
    // Leave Full-Access (or a pending request) first, keys released where the display still
    // lives, so the server and the viewers hear Read-Only before the close.
    if (access.mode() != access_mode::read_only) access.on_disconnected(access_reason::disconnect);
    session.shutdown(
        [&] {
          signals.cancel();
          io.stop();
        },
        std::move(leaving));
  };
  const auto begin_shutdown = [&](int code, const char* why) { shut_down(code, why, {}); };
  end_client = begin_shutdown;
  const auto display_gone = [&] {
    if (shutting_down) return;
    log_line("the X display " +
             (options.display.empty() ? std::string("$DISPLAY") : options.display) +
             " is gone (logout or X server crash)");
    fatal_reason = "the X display is gone";
    shut_down(exit_display_gone, "the X display is gone", "the customer's X display ended");
  };
  std::function<void()> watch_display = [&] {
    display_fd.async_wait(asio::posix::stream_descriptor::wait_read,
                          [&](const boost::system::error_code& ec) {
                            if (ec || shutting_down) return;
                            if (!display_watch->alive()) return display_gone();
                            watch_display();
                          });
  };
  watch_display();
  handoff->deliver = [&](wizard_outcome outcome) {
    if (outcome.exit_code != 0) {
      for (const auto& line : outcome.messages) log_line(line);
      return begin_shutdown(outcome.exit_code, "nothing was sent");
    }
    session.submit(std::move(outcome.payload));
  };
  // The first signal shuts down (or joins a shutdown already under way: at logout the
  // session's SIGTERM and the X server's end come together, and the close must still be
  // clean); a second one stops at once.
  bool signalled = false;
  std::function<void(const boost::system::error_code&, int)> on_signal =
      [&](const boost::system::error_code& ec, int signo) {
        if (ec) return;
        if (signalled) {
          log_line("second signal: stopping at once");
          io.stop();
          return;
        }
        signalled = true;
        const char* name = signo == SIGINT ? "SIGINT" : "SIGTERM";
        if (shutting_down) log_line(std::string(name) + " during the shutdown: it goes on");
        begin_shutdown(0, name);
        signals.async_wait(on_signal);
      };
  signals.async_wait(on_signal);

  frame_pipeline pipeline(*capturer, mailbox);
  pipeline.set_window_share(&share);
  // While nobody watches the capture thread sleeps; the shared window's events are read here.
  std::function<void()> drain_share = [&] {
    share_timer.expires_after(std::chrono::seconds(1));
    share_timer.async_wait([&](const boost::system::error_code& ec) {
      if (ec || shutting_down) return;
      share.drain_events();
      drain_share();
    });
  };
  drain_share();
  std::thread capture_thread([&] {
    if (!pipeline.run()) {
      // Most often the display ended and the capture thread saw it first.
      asio::post(io, [&] {
        if (!display_watch->alive()) return display_gone();
        begin_shutdown(1, "capture failed");
      });
    }
  });

  log_line(std::string("visit-client ") + client_version() + " sharing display " +
           (options.display.empty() ? std::string("$DISPLAY") : options.display));
  session.start();
  io.run();
  // From here on the exit code is decided: a late SIGTERM (logout sends one while the X
  // server ends) must not turn the exit into a death by signal. clear() gives the default
  // action back, so ignore them after it; exit_deadline bounds what is left.
  signals.clear();
  std::signal(SIGINT, SIG_IGN);
  std::signal(SIGTERM, SIG_IGN);

  {
    std::lock_guard lock(handoff->mutex);
    handoff->io = nullptr;
  }
  mailbox.stop();
  capture_thread.join();
  const auto& s = pipeline.stats();
  log_line("stopped: " + std::to_string(s.frames) + " frames, " + std::to_string(s.tiles) +
           " tiles, " + std::to_string(s.frame_bytes) + " bytes sent");
  if (!fatal_reason.empty()) log_line("exit " + std::to_string(exit_code) + ": " + fatal_reason);
  return exit_code;
}

}  // namespace visit::client
