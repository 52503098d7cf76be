#include "test_pki.hpp"

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <memory>
#include <stdexcept>

namespace visit::client::testing {
namespace {

struct pkey_free {
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};
struct x509_free {
  void operator()(X509* p) const { X509_free(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, pkey_free>;
using x509_ptr = std::unique_ptr<X509, x509_free>;

void check(bool ok, const char* what) {
  if (!ok) throw std::runtime_error(std::string("test_pki: ") + what);
}

void add_ext(X509* cert, X509* issuer, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
  X509_EXTENSION* ext = X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str());
  check(ext != nullptr, "extension");
  X509_add_ext(cert, ext, -1);
  X509_EXTENSION_free(ext);
}

pkey_ptr read_key(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  check(f != nullptr, "open key");
  pkey_ptr k(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  check(k != nullptr, "read key");
  return k;
}

x509_ptr read_cert(const std::string& file) {
  FILE* f = std::fopen(file.c_str(), "r");
  check(f != nullptr, "open cert");
  x509_ptr c(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  check(c != nullptr, "read cert");
  return c;
}

test_identity write(const std::string& dir, const std::string& name, X509* cert, EVP_PKEY* key) {
  test_identity id;
  id.cert_file = dir + "/" + name + ".crt";
  id.key_file = dir + "/" + name + ".key";
  FILE* f = std::fopen(id.cert_file.c_str(), "w");
  check(f != nullptr && PEM_write_X509(f, cert) == 1, "write cert");
  std::fclose(f);
  f = std::fopen(id.key_file.c_str(), "w");
  check(f != nullptr && PEM_write_PrivateKey(f, key, nullptr, nullptr, 0, nullptr, nullptr) == 1,
        "write key");
  std::fclose(f);
  const int len = i2d_X509(cert, nullptr);
  std::vector<std::uint8_t> der(static_cast<std::size_t>(len));
  std::uint8_t* p = der.data();
  i2d_X509(cert, &p);
  id.fingerprint = net::sha256(der);
  return id;
}

x509_ptr new_cert(const std::string& name, EVP_PKEY* key, int serial) {
  x509_ptr cert(X509_new());
  check(cert != nullptr, "X509_new");
  X509_set_version(cert.get(), 2);
  ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), serial);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 86400);
  X509_set_pubkey(cert.get(), key);
  X509_NAME* subject = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(subject, "CN", MBSTRING_UTF8,
                             reinterpret_cast<const unsigned char*>(name.c_str()), -1, -1, 0);
  return cert;
}

}  // namespace

test_pki::test_pki() {
  std::string tmpl = (std::filesystem::temp_directory_path() / "visit-pki-XXXXXX").string();
  check(mkdtemp(tmpl.data()) != nullptr, "mkdtemp");
  dir_ = tmpl;
}

test_pki::~test_pki() {
  std::error_code ec;
  std::filesystem::remove_all(dir_, ec);
}

test_identity test_pki::make_ca(const std::string& name) {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "keygen");
  x509_ptr cert = new_cert(name, key.get(), serial_++);
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  add_ext(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE");
  add_ext(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
  add_ext(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
  check(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0, "sign");
  return write(dir_, name, cert.get(), key.get());
}

test_identity test_pki::make_leaf(const std::string& name, const std::vector<std::string>& sans,
                                  const test_identity* issuer) {
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  check(key != nullptr, "keygen");
  x509_ptr cert = new_cert(name, key.get(), serial_++);
  x509_ptr issuer_cert;
  pkey_ptr issuer_key;
  if (issuer != nullptr) {
    issuer_cert = read_cert(issuer->cert_file);
    issuer_key = read_key(issuer->key_file);
  }
  X509* signer_cert = issuer_cert ? issuer_cert.get() : cert.get();
  EVP_PKEY* signer_key = issuer_key ? issuer_key.get() : key.get();
  X509_set_issuer_name(cert.get(), X509_get_subject_name(signer_cert));
  add_ext(cert.get(), signer_cert, NID_basic_constraints, "critical,CA:FALSE");
  add_ext(cert.get(), signer_cert, NID_key_usage, "critical,digitalSignature");
  add_ext(cert.get(), signer_cert, NID_ext_key_usage, "serverAuth");
  std::string san;
  for (const auto& s : sans) san += (san.empty() ? "" : ",") + s;
  if (!san.empty()) add_ext(cert.get(), signer_cert, NID_subject_alt_name, san);
  check(X509_sign(cert.get(), signer_key, EVP_sha256()) > 0, "sign");
  return write(dir_, name, cert.get(), key.get());
}

}  // namespace visit::client::testing
