#include "server/cli/server_main.hpp"

#include <sys/stat.h>

#include <iostream>
#include <string>
#include <vector>

#include "server/cli/audit_command.hpp"
#include "server/cli/command_line.hpp"
#include "server/cli/user_command.hpp"
#include "server/server.hpp"

namespace visit::server {

int server_main(int argc, char** argv) {
  ::umask(077);  // the database holds password hashes; the key directory holds the TLS key
  std::vector<std::string> args(argv + 1, argv + argc);
  try {
    command cmd = parse_command_line(args);
    if (std::holds_alternative<help_request>(cmd)) {
      std::cout << usage_text;
      return 0;
    }
    if (auto* u = std::get_if<user_options>(&cmd)) return run_user_command(*u, std::cin);
    if (auto* a = std::get_if<audit_options>(&cmd)) return run_audit(*a, std::cout, std::cerr);
    return run_server(std::get<serve_options>(cmd));
  } catch (const usage_error& e) {
    std::cerr << "visit-server: " << e.what() << "\n" << usage_text;
    return 2;
  } catch (const std::exception& e) {
    std::cerr << "visit-server: error: " << e.what() << "\n";
    return 1;
  }
}

}  // namespace visit::server
