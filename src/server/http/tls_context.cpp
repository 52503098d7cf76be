#include "server/http/tls_context.hpp"

#include <fcntl.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <unistd.h>

#include <cstdio>
#include <memory>
#include <stdexcept>

namespace visit::server {

namespace fs = std::filesystem;

namespace {

template <class T, void (*F)(T*)>
struct deleter {
  void operator()(T* p) const { F(p); }
};
using pkey_ptr = std::unique_ptr<EVP_PKEY, deleter<EVP_PKEY, EVP_PKEY_free>>;
using x509_ptr = std::unique_ptr<X509, deleter<X509, X509_free>>;
using ext_ptr = std::unique_ptr<X509_EXTENSION, deleter<X509_EXTENSION, X509_EXTENSION_free>>;

// Closes on every path out, including the throwing ones; a file that was written is closed with
// close_written() first, which checks the final flush.
void close_file(FILE* f) {
  (void)std::fclose(f);
}
using file_ptr = std::unique_ptr<FILE, deleter<FILE, close_file>>;

[[noreturn]] void fail(const std::string& what) {
  std::string detail;
  if (unsigned long e = ERR_get_error()) {
    char buf[256];
    ERR_error_string_n(e, buf, sizeof buf);
    detail = std::string(": ") + buf;
  }
  ERR_clear_error();
  throw std::runtime_error(what + detail);
}

void add_extension(X509* cert, int nid, const char* value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  ext_ptr ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
  if (!ext || !X509_add_ext(cert, ext.get(), -1)) fail("cannot add a certificate extension");
}

// Opens `path` for writing, creating it with `mode`; refuses to replace an existing file.
file_ptr create_file(const fs::path& path, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode);
  if (fd < 0) throw std::runtime_error("cannot create " + path.string());
  FILE* f = ::fdopen(fd, "w");
  if (!f) {
    ::close(fd);
    throw std::runtime_error("cannot open " + path.string());
  }
  return file_ptr(f);
}

// Closes a file this process wrote: the buffered tail is flushed only here, so a full disk shows
// up as a failed close, not as a truncated key or certificate.
void close_written(file_ptr f, const fs::path& path) {
  if (std::fclose(f.release()) != 0) throw std::runtime_error("cannot write " + path.string());
}

x509_ptr read_certificate(const fs::path& cert_file) {
  file_ptr f(std::fopen(cert_file.c_str(), "r"));
  if (!f) throw std::runtime_error("cannot read TLS certificate " + cert_file.string());
  x509_ptr cert(PEM_read_X509(f.get(), nullptr, nullptr, nullptr));
  if (!cert) fail("no PEM certificate in " + cert_file.string());
  return cert;
}

}  // namespace

boost::asio::ssl::context make_server_tls_context(const fs::path& cert_file,
                                                  const fs::path& key_file) {
  namespace ssl = boost::asio::ssl;
  ssl::context ctx(ssl::context::tls_server);
  SSL_CTX* native = ctx.native_handle();
  if (!SSL_CTX_set_min_proto_version(native, TLS1_2_VERSION)) fail("cannot require TLS 1.2");
  SSL_CTX_set_options(native, SSL_OP_NO_COMPRESSION | SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_TICKET |
                                  SSL_OP_NO_SSLv3 | SSL_OP_NO_TLSv1 | SSL_OP_NO_TLSv1_1);
  if (!SSL_CTX_set_cipher_list(native, tls12_ciphers)) fail("cannot set the TLS 1.2 ciphers");
  if (!SSL_CTX_set_ciphersuites(native, tls13_suites)) fail("cannot set the TLS 1.3 suites");
  if (!SSL_CTX_set1_groups_list(native, "X25519:P-256:P-384")) fail("cannot set the groups");
  SSL_CTX_set_session_cache_mode(native, SSL_SESS_CACHE_OFF);
  if (SSL_CTX_use_certificate_chain_file(native, cert_file.c_str()) != 1) {
    fail("cannot load TLS certificate " + cert_file.string());
  }
  if (SSL_CTX_use_PrivateKey_file(native, key_file.c_str(), SSL_FILETYPE_PEM) != 1) {
    fail("cannot load TLS key " + key_file.string());
  }
  if (SSL_CTX_check_private_key(native) != 1) {
    fail("TLS key " + key_file.string() + " does not match " + cert_file.string());
  }
  return ctx;
}

bool ensure_self_signed_certificate(const fs::path& cert_file, const fs::path& key_file) {
  bool have_cert = fs::exists(cert_file), have_key = fs::exists(key_file);
  if (have_cert && have_key) return false;
  if (have_cert != have_key) {
    throw std::runtime_error("found only one of " + cert_file.string() + " and " +
                             key_file.string() + "; remove it or restore the other");
  }
  pkey_ptr key(EVP_PKEY_Q_keygen(nullptr, nullptr, "EC", "P-256"));
  if (!key) fail("cannot generate an EC P-256 key");
  x509_ptr cert(X509_new());
  if (!cert) fail("cannot create a certificate");
  X509_set_version(cert.get(), 2);  // v3
  unsigned char serial[16];
  if (RAND_bytes(serial, sizeof serial) != 1) fail("no random serial");
  serial[0] &= 0x7f;  // positive
  BIGNUM* bn = BN_bin2bn(serial, sizeof serial, nullptr);
  ASN1_INTEGER* asn1 = bn ? BN_to_ASN1_INTEGER(bn, nullptr) : nullptr;
  BN_free(bn);
  if (!asn1 || !X509_set_serialNumber(cert.get(), asn1)) fail("cannot set the serial");
  ASN1_INTEGER_free(asn1);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -60);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), 365L * 24 * 3600);
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("localhost"), -1, -1, 0);
  X509_NAME_add_entry_by_txt(name, "O", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("visit-server self-signed"), -1,
                             -1, 0);
  X509_set_issuer_name(cert.get(), name);
  X509_set_pubkey(cert.get(), key.get());
  add_extension(cert.get(), NID_basic_constraints, "critical,CA:FALSE");
  add_extension(cert.get(), NID_key_usage, "critical,digitalSignature");
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1,IP:::1");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (!X509_sign(cert.get(), key.get(), EVP_sha256())) fail("cannot sign the certificate");

  fs::create_directories(key_file.parent_path());
  fs::create_directories(cert_file.parent_path());
  {
    file_ptr f = create_file(key_file, 0600);
    if (!PEM_write_PrivateKey(f.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr)) {
      fail("cannot write " + key_file.string());
    }
    close_written(std::move(f), key_file);
  }
  {
    file_ptr f = create_file(cert_file, 0644);
    if (!PEM_write_X509(f.get(), cert.get())) fail("cannot write " + cert_file.string());
    close_written(std::move(f), cert_file);
  }
  return true;
}

std::string certificate_fingerprint(const fs::path& cert_file) {
  x509_ptr cert = read_certificate(cert_file);
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned int len = 0;
  if (!X509_digest(cert.get(), EVP_sha256(), md, &len)) fail("cannot hash the certificate");
  static constexpr char hex[] = "0123456789abcdef";
  std::string out;
  for (unsigned int i = 0; i < len; ++i) {
    out += hex[md[i] >> 4];
    out += hex[md[i] & 15];
  }
  return out;
}

}  // namespace visit::server
