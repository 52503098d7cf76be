// Decides, during one TLS handshake, whether the server's certificate is acceptable under a
// trust_config, and remembers why not. One verifier per connection attempt.
// Thread-safety: used on the network thread only. Lifetime: the SSL object keeps a raw pointer
// to the verifier after install(); the verifier must outlive the handshake (the connection
// owns both and destroys the SSL first).
#pragma once
#include <string>

#include "net/tls_verification.hpp"

struct ssl_st;             // OpenSSL's SSL
struct x509_store_ctx_st;  // OpenSSL's X509_STORE_CTX

namespace visit::net {

class peer_verifier {
 public:
  // `config` outlives the verifier.
  peer_verifier(const trust_config& config, std::string host, bool host_is_ip);
  peer_verifier(const peer_verifier&) = delete;
  peer_verifier& operator=(const peer_verifier&) = delete;

  // Before the handshake: SNI (DNS names only), the expected host name or IP address
  // (system_store and ca_file modes) and the verify callback (all modes). False with `error`
  // set if OpenSSL refuses a setting; the caller must then not connect.
  bool install(ssl_st* ssl, std::string& error);

  // Why the certificate was refused during the handshake, or empty if it was not (the
  // handshake then failed for another reason, or succeeded).
  const std::string& refusal() const { return refusal_; }

  // After a handshake that succeeded, before any application data: checks again, from the
  // SSL object itself, that the peer's leaf matches the pin (pinned) or that the chain and
  // name verified (other modes). Returns the reason for refusal, or empty if acceptable.
  std::string check_after_handshake(const ssl_st* ssl) const;

 private:
  static int verify_callback(int preverify_ok, x509_store_ctx_st* ctx);
  int verify(int preverify_ok, x509_store_ctx_st* ctx);

  const trust_config& config_;  // owned by the application, outlives every connection
  std::string host_;
  bool host_is_ip_;
  std::string refusal_;
};

}  // namespace visit::net
