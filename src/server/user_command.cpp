#include "server/user_command.hpp"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <filesystem>
#include <iostream>
#include <string>

#include "protocol/message.hpp"
#include "server/password_hasher.hpp"
#include "server/store.hpp"

namespace visit::server {

namespace {

std::string read_line(std::istream& in) {
  std::string line;
  std::getline(in, line);
  if (!line.empty() && line.back() == '\r') line.pop_back();
  return line;
}

std::string read_password_from_terminal(const std::string& prompt) {
  std::cerr << prompt << std::flush;
  termios old{};
  bool restore = ::tcgetattr(STDIN_FILENO, &old) == 0;
  if (restore) {
    termios quiet = old;
    quiet.c_lflag &= ~static_cast<tcflag_t>(ECHO);
    ::tcsetattr(STDIN_FILENO, TCSANOW, &quiet);
  }
  std::string line = read_line(std::cin);
  if (restore) ::tcsetattr(STDIN_FILENO, TCSANOW, &old);
  std::cerr << "\n";
  return line;
}

}  // namespace

int run_user_add(const user_add_options& o, std::istream& in) {
  std::string password;
  if (&in == &std::cin && ::isatty(STDIN_FILENO)) {
    password = read_password_from_terminal("password for " + o.username + ": ");
    std::string again = read_password_from_terminal("again: ");
    if (again != password) {
      std::cerr << "visit-server: the passwords differ; nothing changed\n";
      return 1;
    }
  } else {
    password = read_line(in);
  }
  if (password.size() < password_hasher::min_password_bytes) {
    std::cerr << "visit-server: the password must have at least "
              << password_hasher::min_password_bytes << " bytes; nothing changed\n";
    return 1;
  }
  if (password.size() > password_hasher::max_password_bytes || !protocol::is_valid_utf8(password)) {
    std::cerr << "visit-server: the password must be at most "
              << password_hasher::max_password_bytes << " bytes of UTF-8; nothing changed\n";
    return 1;
  }
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  store db(o.data_dir / "visit.db");
  if (db.find_user(o.username)) {
    std::cerr << "visit-server: user '" << o.username << "' already exists; nothing changed\n";
    return 1;
  }
  password_hasher hasher;
  auto hash = hasher.hash(password);
  sodium_memzero(password.data(), password.size());
  if (!hash) {
    std::cerr << "visit-server: cannot hash the password (out of memory?)\n";
    return 1;
  }
  switch (db.add_user(o.username, o.role, *hash, unix_now())) {
    case store::add_result::added:
      std::cout << "visit-server: added user " << o.username << " with role " << o.role << "\n";
      return 0;
    case store::add_result::duplicate:
      std::cerr << "visit-server: user '" << o.username << "' already exists; nothing changed\n";
      return 1;
    case store::add_result::failed:
      break;
  }
  std::cerr << "visit-server: cannot store the user (see the error above)\n";
  return 1;
}

}  // namespace visit::server
