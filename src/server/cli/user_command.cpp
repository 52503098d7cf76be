#include "server/cli/user_command.hpp"

#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include <ctime>
#include <filesystem>
#include <iostream>
#include <optional>
#include <string>

#include "protocol/message.hpp"
#include "server/auth/password_hasher.hpp"
#include "server/auth/roles.hpp"
#include "server/store/store.hpp"

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

namespace {

// The new password from stdin: one line, or on a terminal asked twice without echo. Empty
// with a message on stderr when it is refused.
std::optional<std::string> read_new_password(const std::string& username, std::istream& in) {
  std::string password;
  if (&in == &std::cin && ::isatty(STDIN_FILENO)) {
    password = read_password_from_terminal("password for " + username + ": ");
    std::string again = read_password_from_terminal("again: ");
    bool same = again == password;
    sodium_memzero(again.data(), again.size());
    if (!same) {
      sodium_memzero(password.data(), password.size());
      std::cerr << "visit-server: the passwords differ; nothing changed\n";
      return std::nullopt;
    }
  } else {
    password = read_line(in);
  }
  if (auto why = new_password_problem(password)) {
    sodium_memzero(password.data(), password.size());
    std::cerr << "visit-server: " << *why << "; nothing changed\n";
    return std::nullopt;
  }
  return password;
}

std::optional<std::string> hash_password(std::string& password) {
  password_hasher hasher;
  auto hash = hasher.hash(password);
  sodium_memzero(password.data(), password.size());
  if (!hash) std::cerr << "visit-server: cannot hash the password (out of memory?)\n";
  return hash;
}

std::string time_text(std::optional<std::int64_t> t) {
  if (!t) return "-";
  std::time_t tt = static_cast<std::time_t>(*t);
  std::tm tm{};
  gmtime_r(&tt, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

int report_change(store::change_result r, const std::string& username, const std::string& done,
                  const std::string& last_admin_message) {
  switch (r) {
    case store::change_result::changed:
      std::cout << "visit-server: " << done << "\n";
      return 0;
    case store::change_result::no_user:
      std::cerr << "visit-server: no user '" << username << "'; nothing changed\n";
      return 1;
    case store::change_result::last_admin:
      std::cerr << "visit-server: " << last_admin_message << "; nothing changed\n";
      return 1;
    case store::change_result::failed:
      break;
  }
  std::cerr << "visit-server: cannot change the user (see the error above)\n";
  return 1;
}

int user_add(const user_options& o, std::istream& in) {
  auto password = read_new_password(o.username, in);
  if (!password) return 1;
  std::error_code ec;
  std::filesystem::create_directories(o.data_dir, ec);
  store db(o.data_dir / "visit.db");
  if (db.find_user(o.username)) {
    sodium_memzero(password->data(), password->size());
    std::cerr << "visit-server: user '" << o.username << "' already exists; nothing changed\n";
    return 1;
  }
  auto hash = hash_password(*password);
  if (!hash) return 1;
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

}  // namespace

int run_user_command(const user_options& o, std::istream& in) {
  if (o.action == "add") return user_add(o, in);
  // Every other action works on an existing database only.
  if (!std::filesystem::exists(o.data_dir / "visit.db")) {
    std::cerr << "visit-server: no database in " << o.data_dir.string()
              << " (wrong --data-dir?); nothing changed\n";
    return 1;
  }
  store db(o.data_dir / "visit.db");
  if (o.action == "list") {
    auto users = db.list_users();
    std::cout << "username\trole\tdisabled\ttotp\tcreated_at\tlast_login_at\n";
    for (const auto& u : users) {
      std::cout << u.username << "\t" << to_string(u.role) << "\t" << (u.disabled ? "yes" : "no")
                << "\t" << (u.totp_enabled() ? "on" : "off") << "\t" << time_text(u.created_at)
                << "\t" << time_text(u.last_login_at) << "\n";
    }
    return 0;
  }
  if (o.action == "set-role") {
    auto before = db.find_user(o.username);
    if (before && before->role == o.role) {
      std::cout << "visit-server: " << o.username << " already has role " << o.role << "\n";
      return 0;
    }
    return report_change(db.set_role(o.username, o.role), o.username,
                         o.username + " now has role " + o.role,
                         "cannot demote the last enabled admin; make another admin first");
  }
  if (o.action == "disable" || o.action == "enable") {
    bool disable = o.action == "disable";
    return report_change(db.set_disabled(o.username, disable), o.username,
                         o.username + (disable ? " is disabled (a running server ends its "
                                                 "sessions within 10 s)"
                                               : " is enabled"),
                         "cannot disable the last enabled admin; make another admin first");
  }
  if (o.action == "passwd") {
    if (!db.find_user(o.username)) {
      std::cerr << "visit-server: no user '" << o.username << "'; nothing changed\n";
      return 1;
    }
    auto password = read_new_password(o.username, in);
    if (!password) return 1;
    auto hash = hash_password(*password);
    if (!hash) return 1;
    return report_change(db.set_password_hash(o.username, *hash, unix_now()), o.username,
                         "new password set for " + o.username, "");
  }
  if (o.action == "reset-totp") {
    return report_change(db.clear_totp(o.username), o.username,
                         "TOTP is off for " + o.username + "; they can set it up again", "");
  }
  std::cerr << "visit-server: unknown user action '" << o.action << "'\n";
  return 2;
}

}  // namespace visit::server
