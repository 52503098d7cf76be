#include "net/tls_verification.hpp"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509_vfy.h>

namespace visit::net {
namespace {

std::string openssl_error() {
  const unsigned long e = ERR_get_error();
  ERR_clear_error();
  if (e == 0) return "unknown OpenSSL error";
  char buf[256];
  ERR_error_string_n(e, buf, sizeof buf);
  return buf;
}

// Mozilla "intermediate" without the DHE suites: ECDHE key exchange and AEAD ciphers only.
constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
constexpr const char* tls13_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

}  // namespace

bool configure_client_context(SSL_CTX* ctx, const trust_config& config, std::string& error) {
  ERR_clear_error();
  if (SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION) != 1 ||
      SSL_CTX_set_cipher_list(ctx, tls12_ciphers) != 1 ||
      SSL_CTX_set_ciphersuites(ctx, tls13_suites) != 1) {
    error = "cannot configure TLS: " + openssl_error();
    return false;
  }
  SSL_CTX_set_options(ctx, SSL_OP_NO_COMPRESSION | SSL_OP_NO_TICKET | SSL_OP_NO_RENEGOTIATION);
  // Every connection is a full handshake with a full verification: no client session cache.
  SSL_CTX_set_session_cache_mode(ctx, SSL_SESS_CACHE_OFF);
  // The per-connection peer_verifier installs its own callback; this is the floor it relies on.
  SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);

  switch (config.mode) {
    case trust_mode::system_store:
      if (SSL_CTX_set_default_verify_paths(ctx) != 1) {
        error = "cannot load the system's CA store: " + openssl_error();
        return false;
      }
      break;
    case trust_mode::ca_file: {
      // A fresh store holding only this file's certificates: nothing from the system.
      X509_STORE* store = X509_STORE_new();
      if (store == nullptr) {
        error = "cannot create a certificate store: " + openssl_error();
        return false;
      }
      SSL_CTX_set_cert_store(ctx, store);  // the context owns it now
      if (X509_STORE_load_file(store, config.ca_file.c_str()) != 1) {
        error = "cannot load CA file " + config.ca_file + ": " + openssl_error();
        return false;
      }
      STACK_OF(X509_OBJECT)* objects = X509_STORE_get0_objects(store);
      bool any_cert = false;
      for (int i = 0; objects != nullptr && i < sk_X509_OBJECT_num(objects); ++i) {
        any_cert =
            any_cert || X509_OBJECT_get_type(sk_X509_OBJECT_value(objects, i)) == X509_LU_X509;
      }
      if (!any_cert) {
        error = "CA file " + config.ca_file + " holds no certificate";
        return false;
      }
      break;
    }
    case trust_mode::pinned:
      // An empty store: the chain is never trusted on its own; only the pin decides.
      SSL_CTX_set_cert_store(ctx, X509_STORE_new());
      break;
  }
  return true;
}

}  // namespace visit::net
