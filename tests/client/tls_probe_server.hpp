// A TLS server for the refusal tests that records exactly what a client sends. It uses
// OpenSSL directly on a blocking socket without read-ahead, so after a failed handshake
// every further byte the client sends is still in the socket and is counted raw.
// One connection at a time, on its own thread; listens on 127.0.0.1 on a free port.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "test_pki.hpp"

struct ssl_ctx_st;

namespace visit::client::testing {

class tls_probe_server {
 public:
  struct session {
    bool handshake_ok = false;
    std::string application_bytes;            // decrypted bytes read after a good handshake
    std::size_t raw_bytes_after_failure = 0;  // TCP bytes after a failed handshake, until EOF
  };

  // Presents `identity` (certificate + key). `max_tls12` caps the server at TLS 1.1 when
  // set (to show the client refuses old protocol versions).
  explicit tls_probe_server(const test_identity& identity, bool tls11_only = false);
  ~tls_probe_server();

  std::uint16_t port() const { return port_; }
  // From now on, new connections see `identity` instead.
  void present(const test_identity& identity);
  // Waits until at least `n` sessions have finished.
  bool wait_for_sessions(std::size_t n, std::chrono::milliseconds timeout);
  std::vector<session> sessions() const;

 private:
  void run();
  session serve(int fd);

  int listen_fd_ = -1;
  std::uint16_t port_ = 0;
  bool tls11_only_;
  std::atomic<bool> stop_{false};
  mutable std::mutex mutex_;
  std::condition_variable cv_;
  ssl_ctx_st* ctx_ = nullptr;  // guarded by mutex_ for present()
  std::vector<session> sessions_;
  std::thread thread_;
};

}  // namespace visit::client::testing
