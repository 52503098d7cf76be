// `visit-server user add NAME --role ROLE --data-dir DIR`: the only way to create technician
// accounts, the first admin included (there is no web setup endpoint). Reads the password
// from stdin (one line; on a terminal, asked twice without echo). Refuses passwords shorter
// than 8 bytes and names that exist.
#pragma once
#include <istream>

#include "server/command_line.hpp"

namespace visit::server {

// Returns the exit code: 0 added, 1 refused (message on stderr). Throws on start-up failures
// (data dir, database).
int run_user_add(const user_add_options& options, std::istream& in);

}  // namespace visit::server
