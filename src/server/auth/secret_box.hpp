// Encryption at rest for small secrets in the store (TOTP secrets): libsodium secretbox
// (XSalsa20-Poly1305) under a 256-bit key kept in DATA_DIR/secrets.key (mode 0600, created on
// first use). A copy of the database alone does not yield the TOTP secrets; the key file
// must be backed up with it (docs/operations.md).
// Thread-safety: const methods may run on any thread.
#pragma once
#include <filesystem>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace visit::server {

class secret_box {
 public:
  // Loads DATA_DIR/secrets.key, or creates it (0600) when absent. Throws std::runtime_error
  // when the file cannot be read, written or has the wrong size.
  explicit secret_box(const std::filesystem::path& data_dir);
  ~secret_box();
  secret_box(const secret_box&) = delete;
  secret_box& operator=(const secret_box&) = delete;

  // "v1:" + hex(nonce || ciphertext).
  std::string seal(std::string_view plaintext) const;
  // The plaintext, or nullopt when `sealed` is malformed or was not sealed with this key.
  std::optional<std::string> open(std::string_view sealed) const;

 private:
  std::vector<unsigned char> key_;
};

}  // namespace visit::server
