#include "tls_probe_server.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/err.h>
#include <openssl/ssl.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <stdexcept>

namespace visit::client::testing {
namespace {

SSL_CTX* make_server_ctx(const test_identity& id, bool tls11_only) {
  SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
  if (ctx == nullptr) throw std::runtime_error("SSL_CTX_new");
  if (tls11_only) {
    SSL_CTX_set_security_level(ctx, 0);
    SSL_CTX_set_min_proto_version(ctx, TLS1_VERSION);
    SSL_CTX_set_max_proto_version(ctx, TLS1_1_VERSION);
    SSL_CTX_set_cipher_list(ctx, "ALL:@SECLEVEL=0");
  }
  if (SSL_CTX_use_certificate_file(ctx, id.cert_file.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_use_PrivateKey_file(ctx, id.key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    SSL_CTX_free(ctx);
    throw std::runtime_error("server certificate");
  }
  SSL_CTX_set_read_ahead(ctx, 0);
  return ctx;
}

}  // namespace

tls_probe_server::tls_probe_server(const test_identity& identity, bool tls11_only)
    : tls11_only_(tls11_only) {
  ctx_ = make_server_ctx(identity, tls11_only);
  listen_fd_ = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  if (listen_fd_ < 0 || bind(listen_fd_, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0 ||
      listen(listen_fd_, 8) != 0) {
    throw std::runtime_error("listen");
  }
  socklen_t len = sizeof addr;
  getsockname(listen_fd_, reinterpret_cast<sockaddr*>(&addr), &len);
  port_ = ntohs(addr.sin_port);
  thread_ = std::thread([this] { run(); });
}

tls_probe_server::~tls_probe_server() {
  stop_ = true;
  thread_.join();
  close(listen_fd_);
  SSL_CTX_free(ctx_);
}

void tls_probe_server::present(const test_identity& identity) {
  SSL_CTX* next = make_server_ctx(identity, tls11_only_);
  std::lock_guard lock(mutex_);
  SSL_CTX_free(ctx_);
  ctx_ = next;
}

bool tls_probe_server::wait_for_sessions(std::size_t n, std::chrono::milliseconds timeout) {
  std::unique_lock lock(mutex_);
  return cv_.wait_for(lock, timeout, [&] { return sessions_.size() >= n; });
}

std::vector<tls_probe_server::session> tls_probe_server::sessions() const {
  std::lock_guard lock(mutex_);
  return sessions_;
}

void tls_probe_server::run() {
  while (!stop_) {
    pollfd p{listen_fd_, POLLIN, 0};
    if (poll(&p, 1, 50) <= 0) continue;
    const int fd = accept4(listen_fd_, nullptr, nullptr, SOCK_CLOEXEC);
    if (fd < 0) continue;
    timeval tv{3, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    session s = serve(fd);
    close(fd);
    {
      std::lock_guard lock(mutex_);
      sessions_.push_back(std::move(s));
    }
    cv_.notify_all();
  }
}

tls_probe_server::session tls_probe_server::serve(int fd) {
  session s;
  SSL* ssl = nullptr;
  {
    std::lock_guard lock(mutex_);
    ssl = SSL_new(ctx_);
  }
  SSL_set_fd(ssl, fd);
  if (SSL_accept(ssl) == 1) {
    s.handshake_ok = true;
    char buf[4096];
    // Read what the client sends until the end of an HTTP request head, EOF or the timeout.
    while (s.application_bytes.find("\r\n\r\n") == std::string::npos) {
      const int n = SSL_read(ssl, buf, sizeof buf);
      if (n <= 0) break;
      s.application_bytes.append(buf, static_cast<std::size_t>(n));
    }
  } else {
    ERR_clear_error();
    // Anything the client still sends after refusing (it must send nothing) is counted raw.
    char buf[4096];
    for (;;) {
      const ssize_t n = read(fd, buf, sizeof buf);
      if (n <= 0) break;
      s.raw_bytes_after_failure += static_cast<std::size_t>(n);
    }
  }
  SSL_free(ssl);
  return s;
}

}  // namespace visit::client::testing
