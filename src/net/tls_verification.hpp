// How the client decides to trust a server, and the TLS settings of its SSL_CTX.
// There is no "insecure" mode: every mode either verifies or refuses.
// Thread-safety: configure_client_context() runs once at start-up, before any connection.
#pragma once
#include <string>

#include "net/certificate_pin.hpp"

struct ssl_ctx_st;  // OpenSSL's SSL_CTX

namespace visit::net {

enum class trust_mode {
  system_store,  // the system's CA store + host name (or IP address) check
  ca_file,       // only the CA certificates in `ca_file` + host name (or IP address) check
  pinned,        // only a leaf certificate whose SHA-256 (of DER) equals `pin`; no chain or name
};

struct trust_config {
  trust_mode mode = trust_mode::system_store;
  std::string ca_file;  // trust_mode::ca_file
  sha256_digest pin{};  // trust_mode::pinned
};

// TLS 1.2 and 1.3 only, AEAD suites with forward secrecy only, no session tickets or
// compression, certificate verification on, and the trust anchors of `config` (none for
// `pinned`: the pin replaces the chain). Returns false with `error` set when the CA file
// cannot be read or holds no certificate, or the system store cannot be loaded.
bool configure_client_context(ssl_ctx_st* ctx, const trust_config& config, std::string& error);

}  // namespace visit::net
