// TLS for the one listener (docs/security.md, "TLS"): TLS 1.2 and 1.3 only, AEAD suites with
// ECDHE only (Mozilla "intermediate"), no compression, no renegotiation, no session tickets.
// Failure: every function throws std::runtime_error (start-up only).
#pragma once
#include <boost/asio/ssl/context.hpp>
#include <filesystem>
#include <string>

namespace visit::server {

// The TLS 1.2 cipher list and TLS 1.3 suites the server accepts.
inline constexpr const char* tls12_ciphers =
    "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:"
    "ECDHE-ECDSA-AES256-GCM-SHA384:ECDHE-RSA-AES256-GCM-SHA384:"
    "ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305";
inline constexpr const char* tls13_suites =
    "TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256";

// A server context with the certificate chain and key from PEM files.
boost::asio::ssl::context make_server_tls_context(const std::filesystem::path& cert_file,
                                                  const std::filesystem::path& key_file);

// The development path (--self-signed): when `cert_file` and `key_file` are both absent,
// generates an EC P-256 key and a self-signed certificate for localhost, 127.0.0.1 and ::1
// (valid 365 days) with OpenSSL's API and writes them (key mode 0600). Returns true when it
// generated them, false when both existed. One present without the other is an error.
bool ensure_self_signed_certificate(const std::filesystem::path& cert_file,
                                    const std::filesystem::path& key_file);

// SHA-256 of the DER form of the first certificate in `cert_file`: 64 lowercase hex digits,
// the value visit-client's --pin takes.
std::string certificate_fingerprint(const std::filesystem::path& cert_file);

}  // namespace visit::server
