// Technician passwords: Argon2id through libsodium's crypto_pwhash_str (docs/security.md).
// Thread-safety: const methods may run on any thread at once. Each hash or verify costs about
// 64 MiB of memory and tens of milliseconds of CPU, so the server runs them on its one
// auth thread, never on a network thread.
#pragma once
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

namespace visit::server {

class password_hasher {
 public:
  // Argon2id, t = 2 passes (crypto_pwhash_OPSLIMIT_INTERACTIVE), m = 64 MiB
  // (crypto_pwhash_MEMLIMIT_INTERACTIVE); rule: m >= 19 MiB, t >= 2.
  static std::size_t opslimit();
  static std::size_t memlimit();
  static constexpr std::size_t min_password_bytes = 8;
  static constexpr std::size_t max_password_bytes = 1024;

  // Computes the dummy hash used for unknown users. Throws std::runtime_error (start-up).
  password_hasher();

  // The encoded "$argon2id$v=19$m=...,t=...,p=1$salt$hash" string, or nullopt when the
  // system is out of memory.
  std::optional<std::string> hash(std::string_view password) const;

  // True when `password` matches `stored` (an encoded Argon2id string).
  bool verify(const std::string& stored, std::string_view password) const;

  // Does the same work as verify() against a real user's hash and returns false: an unknown
  // username costs the same time as a wrong password.
  bool verify_unknown_user(std::string_view password) const;

 private:
  std::string dummy_hash_;
};

}  // namespace visit::server
