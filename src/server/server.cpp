#include "server/server.hpp"

#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/signal_set.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <filesystem>
#include <functional>
#include <thread>
#include <vector>

#include "server/auth/crypto_helpers.hpp"
#include "server/http/listener.hpp"
#include "server/http/tls_context.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"
#include "server/store/audit_log.hpp"
#include "server/store/store.hpp"

#ifndef VISIT_VERSION
#define VISIT_VERSION "0"
#endif

namespace visit::server {

namespace fs = std::filesystem;
namespace net = boost::asio;
using tcp = net::ip::tcp;

namespace {

void prepare_data_dir(const fs::path& dir) {
  std::error_code ec;
  fs::create_directories(dir, ec);
  if (ec || !fs::is_directory(dir)) {
    throw std::runtime_error("cannot use data directory " + dir.string() +
                             (ec ? ": " + ec.message() : std::string()));
  }
}

tcp::endpoint resolve_listen(net::io_context& ioc, const serve_options& o) {
  boost::system::error_code ec;
  auto addr = net::ip::make_address(o.listen_host, ec);
  if (!ec) return {addr, o.listen_port};
  tcp::resolver resolver(ioc);
  auto results =
      resolver.resolve(o.listen_host, std::to_string(o.listen_port), tcp::resolver::passive, ec);
  if (ec || results.empty()) {
    throw std::runtime_error("cannot resolve --listen host '" + o.listen_host + "'");
  }
  return results.begin()->endpoint();
}

std::string url_of(const tcp::endpoint& ep) {
  auto a = ep.address();
  std::string host = a.is_v6() ? "[" + a.to_string() + "]" : a.to_string();
  return "https://" + host + ":" + std::to_string(ep.port());
}

}  // namespace

int run_server(const serve_options& options) {
  init_crypto();
  prepare_data_dir(options.data_dir);
  log_line(std::string("start visit-server ") + VISIT_VERSION +
           " data_dir=" + log_quote(options.data_dir.string(), 256) +
           " threads=" + std::to_string(options.threads) + " pid=" + std::to_string(::getpid()));

  fs::path cert = options.tls_cert, key = options.tls_key;
  if (options.self_signed) {
    cert = options.data_dir / "tls" / "cert.pem";
    key = options.data_dir / "tls" / "key.pem";
    bool generated = ensure_self_signed_certificate(cert, key);
    log_line(std::string("WARNING: --self-signed: ") +
             (generated ? "GENERATED a new self-signed" : "using the self-signed") +
             " certificate " + cert.string() +
             " (localhost, 127.0.0.1, ::1). For development only: browsers will warn, clients "
             "must pin the fingerprint below. Production needs --tls-cert and --tls-key.");
  } else {
    for (const auto& f : {cert, key}) {
      if (!fs::exists(f)) {
        throw std::runtime_error("TLS file " + f.string() +
                                 " does not exist (--tls-cert FILE --tls-key FILE)");
      }
    }
    struct stat st {};
    if (::stat(key.c_str(), &st) == 0 && (st.st_mode & 0077)) {
      log_line("WARNING: TLS key " + key.string() + " is readable by group or others (chmod 600)");
    }
  }
  net::ssl::context tls = make_server_tls_context(cert, key);
  std::string fingerprint = certificate_fingerprint(cert);
  log_line("tls cert=" + log_quote(cert.string(), 256) + " protocols=TLSv1.2,TLSv1.3");
  log_plain("fingerprint sha256:" + fingerprint);

  auto db = std::make_unique<store>(options.data_dir / "visit.db");
  int stale = db->end_open_requests(unix_now());
  if (stale > 0)
    log_line("store abandoned " + std::to_string(stale) +
             " waiting requests left open by an earlier run");
  if (db->user_count() == 0) {
    log_line(
        "WARNING: no technician accounts yet; create the first with: visit-server user add "
        "NAME --role admin --data-dir " +
        options.data_dir.string());
  }
  // The audit log: its key beside the database (created at first start, 0600).
  audit_key audit_secret = load_audit_key(options.data_dir / "audit.key", true);
  auto audit = std::make_unique<audit_log>(options.data_dir / "visit.db", audit_secret,
                                           audit_log::options{});
  sodium_memzero(audit_secret.data(), audit_secret.size());
  auto state =
      std::make_shared<shared_state>(options, std::move(db), fingerprint, std::move(audit));
  state->ensure_wizard();

  net::io_context ioc(options.threads);
  auto endpoint = resolve_listen(ioc, options);
  std::shared_ptr<listener> lst;
  try {
    lst = std::make_shared<listener>(ioc, tls, endpoint, state);
  } catch (const boost::system::system_error& e) {
    throw std::runtime_error("cannot listen on " + url_of(endpoint) + ": " + e.code().message());
  }
  lst->run();
  log_plain("listening on " + url_of(lst->local_endpoint()));

  // Timers and signals share one strand: their handlers touch each other's objects.
  auto control = net::make_strand(ioc);
  // Login session expiry and account changes, every 10 s (more often for short timeouts).
  net::steady_timer sweep(control);
  auto sweep_every = std::clamp(std::min(options.idle_timeout, options.absolute_timeout) / 2,
                                std::chrono::seconds(1), std::chrono::seconds(10));
  std::function<void()> arm_sweep = [&] {
    sweep.expires_after(sweep_every);
    sweep.async_wait([&](boost::system::error_code ec) {
      if (ec) return;
      state->sweep_login_sessions();
      arm_sweep();
    });
  };
  arm_sweep();

  // SIGINT/SIGTERM: stop accepting, close every WebSocket with server_shutdown, give the
  // close handshakes up to 2 s, then stop.
  net::signal_set signals(control, SIGINT, SIGTERM);
  // After a signal: stop once every connection has ended, or after 2 s at most.
  net::steady_timer grace(control);
  std::chrono::steady_clock::time_point drain_deadline;
  std::function<void()> wait_for_drain = [&] {
    grace.expires_after(std::chrono::milliseconds(50));
    grace.async_wait([&](boost::system::error_code) {
      if (state->limiter().open_connections() == 0 ||
          std::chrono::steady_clock::now() >= drain_deadline) {
        ioc.stop();
      } else {
        wait_for_drain();
      }
    });
  };
  signals.async_wait([&](boost::system::error_code ec, int signo) {
    if (ec) return;
    log_line("shutdown signal=" + std::to_string(signo));
    state->begin_shutdown();
    lst->stop();
    sweep.cancel();
    state->hub().close_all(protocol::close_code::server_shutdown, "the server is shutting down");
    drain_deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    wait_for_drain();
  });

  auto work = [&ioc] {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        log_line(std::string("internal error: ") + e.what());
      }
    }
  };
  std::vector<std::thread> threads;
  for (int i = 1; i < options.threads; ++i) threads.emplace_back(work);
  work();
  for (auto& t : threads) t.join();
  // A login still being checked posts its answer to the (stopped) io_context: let it finish
  // while that io_context still exists.
  state->auth_pool().join();

  state->db().end_open_requests(unix_now());
  log_line("stopped");
  return 0;
}

}  // namespace visit::server
