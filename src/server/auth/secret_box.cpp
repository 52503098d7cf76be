#include "server/auth/secret_box.hpp"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <stdexcept>

#include "server/auth/crypto_helpers.hpp"

namespace visit::server {

namespace {
constexpr std::string_view prefix = "v1:";

std::string to_hex(const unsigned char* p, std::size_t n) {
  std::string out(n * 2 + 1, '\0');
  sodium_bin2hex(out.data(), out.size(), p, n);
  out.pop_back();
  return out;
}
}  // namespace

secret_box::secret_box(const std::filesystem::path& data_dir) : key_(crypto_secretbox_KEYBYTES) {
  init_crypto();
  auto path = data_dir / "secrets.key";
  int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd >= 0) {
    ssize_t n = ::read(fd, key_.data(), key_.size());
    char extra;
    ssize_t more = ::read(fd, &extra, 1);
    ::close(fd);
    if (n != static_cast<ssize_t>(key_.size()) || more != 0) {
      throw std::runtime_error("the key file " + path.string() + " is damaged (expected " +
                               std::to_string(key_.size()) + " bytes)");
    }
    return;
  }
  if (errno != ENOENT) throw std::runtime_error("cannot read the key file " + path.string());
  crypto_secretbox_keygen(key_.data());
  fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) {
    // Another process created it a moment ago: use theirs.
    if (errno == EEXIST) {
      int rfd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
      ssize_t n = rfd >= 0 ? ::read(rfd, key_.data(), key_.size()) : -1;
      if (rfd >= 0) ::close(rfd);
      if (n == static_cast<ssize_t>(key_.size())) return;
    }
    throw std::runtime_error("cannot create the key file " + path.string());
  }
  ssize_t n = ::write(fd, key_.data(), key_.size());
  bool ok = n == static_cast<ssize_t>(key_.size()) && ::fsync(fd) == 0;
  ::close(fd);
  if (!ok) throw std::runtime_error("cannot write the key file " + path.string());
}

secret_box::~secret_box() {
  sodium_memzero(key_.data(), key_.size());
}

std::string secret_box::seal(std::string_view plaintext) const {
  std::vector<unsigned char> buf(crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES +
                                 plaintext.size());
  randombytes_buf(buf.data(), crypto_secretbox_NONCEBYTES);
  crypto_secretbox_easy(buf.data() + crypto_secretbox_NONCEBYTES,
                        reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(),
                        buf.data(), key_.data());
  return std::string(prefix) + to_hex(buf.data(), buf.size());
}

std::optional<std::string> secret_box::open(std::string_view sealed) const {
  if (!sealed.starts_with(prefix)) return std::nullopt;
  sealed.remove_prefix(prefix.size());
  std::vector<unsigned char> buf(sealed.size() / 2 + 1);
  std::size_t len = 0;
  if (sodium_hex2bin(buf.data(), buf.size(), sealed.data(), sealed.size(), nullptr, &len,
                     nullptr) != 0 ||
      len < crypto_secretbox_NONCEBYTES + crypto_secretbox_MACBYTES) {
    return std::nullopt;
  }
  std::string out(len - crypto_secretbox_NONCEBYTES - crypto_secretbox_MACBYTES, '\0');
  if (crypto_secretbox_open_easy(reinterpret_cast<unsigned char*>(out.data()),
                                 buf.data() + crypto_secretbox_NONCEBYTES,
                                 len - crypto_secretbox_NONCEBYTES, buf.data(), key_.data()) != 0) {
    return std::nullopt;
  }
  return out;
}

}  // namespace visit::server
