// visit-server's command line (docs/operations.md):
//   visit-server --listen HOST:PORT --data-dir DIR (--tls-cert FILE --tls-key FILE | --self-signed)
//                [--threads N] [--max-connections-per-address N]
//                [--idle-timeout DURATION] [--absolute-timeout DURATION]
//   visit-server user add NAME --role admin|senior|technician --data-dir DIR   (password on stdin)
//   visit-server user list --data-dir DIR
//   visit-server user set-role NAME --role ROLE --data-dir DIR
//   visit-server user disable|enable|reset-totp NAME --data-dir DIR
//   visit-server user passwd NAME --data-dir DIR                               (password on stdin)
//   visit-server audit verify --data-dir DIR
//   visit-server audit list --data-dir DIR [--request ID]
// Failure: parse_command_line throws usage_error with a message for the user.
#pragma once
#include <chrono>
#include <cstdint>
#include <filesystem>
#include <stdexcept>
#include <string>
#include <variant>
#include <vector>

namespace visit::server {

struct usage_error : std::runtime_error {
  using std::runtime_error::runtime_error;
};

struct serve_options {
  std::string listen_host = "0.0.0.0";
  std::uint16_t listen_port = 443;
  std::filesystem::path data_dir;
  std::filesystem::path tls_cert;
  std::filesystem::path tls_key;
  bool self_signed = false;
  int threads = 2;
  int max_connections_per_address = 32;
  int max_connections = 4096;
  // Login sessions end this long after their last use, and this long after login.
  std::chrono::seconds idle_timeout{30 * 60};
  std::chrono::seconds absolute_timeout{12 * 3600};
  // How long a session code stays valid (protocol.md §3.5: at most 10 minutes). Shorter
  // only for tests of expiry and for desks that want it.
  int code_ttl_seconds = 600;
};

// `visit-server user ACTION ...`: action is add, list, set-role, disable, enable, passwd or
// reset-totp; `username` is empty for list; `role` is set for add and set-role.
struct user_options {
  std::string action;
  std::string username;
  std::string role;
  std::filesystem::path data_dir;
};
using user_add_options = user_options;

struct audit_options {
  enum class action { verify, list } what = action::verify;
  std::filesystem::path data_dir;
  std::string request_id;  // list: only this request (32 hex); empty: all
};

struct help_request {};

using command = std::variant<serve_options, user_options, audit_options, help_request>;

// "90", "90s", "30m", "12h" -> seconds; throws usage_error naming `flag` when malformed or
// outside [min, max].
std::chrono::seconds parse_duration(const std::string& flag, const std::string& text,
                                    std::chrono::seconds min, std::chrono::seconds max);

command parse_command_line(const std::vector<std::string>& args);  // args without argv[0]

// Usernames: 1..64 bytes of A-Z a-z 0-9 . _ @ -, starting with a letter or digit.
bool is_valid_username(std::string_view name);
bool is_valid_role(std::string_view role);

extern const char* const usage_text;

}  // namespace visit::server
