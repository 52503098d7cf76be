#include "server/auth/password_hasher.hpp"

#include <sodium.h>

#include <stdexcept>

#include "protocol/message.hpp"
#include "server/auth/crypto_helpers.hpp"
#include "server/auth/roles.hpp"

namespace visit::server {

static_assert(crypto_pwhash_OPSLIMIT_INTERACTIVE >= 2, "Argon2id needs t >= 2");
static_assert(crypto_pwhash_MEMLIMIT_INTERACTIVE >= 19u << 20, "Argon2id needs m >= 19 MiB");

std::size_t password_hasher::opslimit() {
  return crypto_pwhash_OPSLIMIT_INTERACTIVE;
}
std::size_t password_hasher::memlimit() {
  return crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

password_hasher::password_hasher() {
  init_crypto();
  auto h = hash(random_hex(16));
  if (!h) throw std::runtime_error("cannot compute an Argon2id hash (out of memory?)");
  dummy_hash_ = std::move(*h);
}

std::optional<std::string> password_hasher::hash(std::string_view password) const {
  char out[crypto_pwhash_STRBYTES];
  if (crypto_pwhash_str_alg(out, password.data(), password.size(), opslimit(), memlimit(),
                            crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return std::nullopt;
  }
  return std::string(out);
}

bool password_hasher::verify(const std::string& stored, std::string_view password) const {
  if (stored.size() >= crypto_pwhash_STRBYTES) return false;
  return crypto_pwhash_str_verify(stored.c_str(), password.data(), password.size()) == 0;
}

bool password_hasher::verify_unknown_user(std::string_view password) const {
  (void)verify(dummy_hash_, password);
  return false;
}

std::optional<std::string> new_password_problem(std::string_view password) {
  if (password.size() < min_new_password_bytes || password.size() > max_new_password_bytes) {
    return "the password must have " + std::to_string(min_new_password_bytes) + " to " +
           std::to_string(max_new_password_bytes) + " bytes";
  }
  if (!protocol::is_valid_utf8(password)) return std::string("the password must be valid UTF-8");
  return std::nullopt;
}

}  // namespace visit::server
