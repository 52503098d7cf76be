// Small libsodium wrappers used by auth and the store.
// Thread-safety: any thread, after sodium_init() (done by init_crypto at start-up).
#pragma once
#include <cstddef>
#include <string>
#include <string_view>

namespace visit::server {

// Initialises libsodium. Throws std::runtime_error when it cannot (start-up only).
void init_crypto();

// `bytes` bytes from the kernel CSPRNG as lowercase hex (2 * bytes characters).
std::string random_hex(std::size_t bytes);

// SHA-256 of `data` as 64 lowercase hex characters.
std::string sha256_hex(std::string_view data);

// Compares two strings in time that depends only on their lengths.
bool equal_constant_time(std::string_view a, std::string_view b);

// True when `s` is exactly `length` lowercase hex characters.
bool is_lower_hex(std::string_view s, std::size_t length);

}  // namespace visit::server
