// Test certificates made at test time with the OpenSSL API: a CA, leaves signed by it, and
// self-signed leaves, written to a temporary directory as PEM files.
#pragma once
#include <string>
#include <vector>

#include "net/certificate_pin.hpp"

namespace visit::client::testing {

struct test_identity {
  std::string cert_file;             // PEM certificate
  std::string key_file;              // PEM private key
  net::sha256_digest fingerprint{};  // SHA-256 of the certificate's DER
};

class test_pki {
 public:
  // Files go to a fresh directory under $TMPDIR (removed by the destructor).
  test_pki();
  ~test_pki();
  test_pki(const test_pki&) = delete;
  test_pki& operator=(const test_pki&) = delete;

  // A CA certificate (P-256, CA:TRUE) named `name`.
  test_identity make_ca(const std::string& name);
  // A leaf for `sans` ("IP:127.0.0.1", "DNS:localhost"), signed by `issuer` (a make_ca()
  // result), or self-signed when `issuer` is null.
  test_identity make_leaf(const std::string& name, const std::vector<std::string>& sans,
                          const test_identity* issuer);

  const std::string& dir() const { return dir_; }

 private:
  std::string dir_;
  int serial_ = 1;
};

}  // namespace visit::client::testing
