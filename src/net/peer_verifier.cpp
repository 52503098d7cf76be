#include "net/peer_verifier.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>
#include <openssl/x509v3.h>

#include <cstdint>
#include <vector>

namespace visit::net {
namespace {

// The SSL ex_data slot that points back at the peer_verifier.
int verifier_index() {
  static const int index = SSL_get_ex_new_index(0, nullptr, nullptr, nullptr, nullptr);
  return index;
}

sha256_digest certificate_digest(X509* cert) {
  const int len = i2d_X509(cert, nullptr);
  if (len <= 0) return {};
  std::vector<std::uint8_t> der(static_cast<std::size_t>(len));
  std::uint8_t* p = der.data();
  if (i2d_X509(cert, &p) != len) return {};
  return sha256(der);
}

std::string pin_mismatch(const sha256_digest& got) {
  return "pin mismatch: the server's certificate has sha256 " + to_hex(got);
}

}  // namespace

peer_verifier::peer_verifier(const trust_config& config, std::string host, bool host_is_ip)
    : config_(config), host_(std::move(host)), host_is_ip_(host_is_ip) {}

bool peer_verifier::install(SSL* ssl, std::string& error) {
  ERR_clear_error();
  const int index = verifier_index();
  if (index < 0 || SSL_set_ex_data(ssl, index, this) != 1) {
    error = "cannot attach the certificate verifier";
    return false;
  }
  if (!host_is_ip_ && SSL_set_tlsext_host_name(ssl, host_.c_str()) != 1) {
    error = "cannot set the TLS server name";
    return false;
  }
  if (config_.mode != trust_mode::pinned) {
    X509_VERIFY_PARAM* param = SSL_get0_param(ssl);
    X509_VERIFY_PARAM_set_hostflags(param, X509_CHECK_FLAG_NO_PARTIAL_WILDCARDS);
    const int ok = host_is_ip_ ? X509_VERIFY_PARAM_set1_ip_asc(param, host_.c_str())
                               : X509_VERIFY_PARAM_set1_host(param, host_.c_str(), 0);
    if (ok != 1) {
      error = "cannot set the expected server name " + host_;
      return false;
    }
  }
  SSL_set_verify(ssl, SSL_VERIFY_PEER, &peer_verifier::verify_callback);
  return true;
}

int peer_verifier::verify_callback(int preverify_ok, X509_STORE_CTX* ctx) {
  auto* ssl =
      static_cast<SSL*>(X509_STORE_CTX_get_ex_data(ctx, SSL_get_ex_data_X509_STORE_CTX_idx()));
  auto* self = ssl == nullptr ? nullptr
                              : static_cast<peer_verifier*>(SSL_get_ex_data(ssl, verifier_index()));
  if (self == nullptr) return 0;  // no verifier: never accept
  return self->verify(preverify_ok, ctx);
}

int peer_verifier::verify(int preverify_ok, X509_STORE_CTX* ctx) {
  const int depth = X509_STORE_CTX_get_error_depth(ctx);
  if (config_.mode == trust_mode::pinned) {
    // The pin names the leaf; the chain above it is not required to be trusted.
    if (depth > 0) return 1;
    X509* leaf = X509_STORE_CTX_get_current_cert(ctx);
    if (leaf == nullptr) {
      if (refusal_.empty()) refusal_ = "the server sent no certificate";
      return 0;
    }
    const sha256_digest got = certificate_digest(leaf);
    if (got != config_.pin) {
      if (refusal_.empty()) refusal_ = pin_mismatch(got);
      X509_STORE_CTX_set_error(ctx, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
    return 1;
  }
  if (preverify_ok != 1) {
    if (refusal_.empty()) {
      const int err = X509_STORE_CTX_get_error(ctx);
      refusal_ =
          std::string(X509_verify_cert_error_string(err)) + " at depth " + std::to_string(depth);
    }
    return 0;
  }
  return 1;
}

std::string peer_verifier::check_after_handshake(const SSL* ssl) const {
  X509* leaf = SSL_get0_peer_certificate(ssl);
  if (leaf == nullptr) return "the server sent no certificate";
  if (config_.mode == trust_mode::pinned) {
    const sha256_digest got = certificate_digest(leaf);
    return got == config_.pin ? std::string() : pin_mismatch(got);
  }
  const long result = SSL_get_verify_result(ssl);
  if (result != X509_V_OK) return X509_verify_cert_error_string(result);
  return {};
}

}  // namespace visit::net
