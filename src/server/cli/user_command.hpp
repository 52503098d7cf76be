// `visit-server user ACTION ...` (docs/operations.md, "Technician accounts"): add (the only
// way to create the first admin: there is no web setup endpoint), list, set-role, disable,
// enable, passwd and reset-totp, working on DATA_DIR/visit.db directly (a running server
// notices disabled and demoted users within 10 s). add and passwd read the password from
// stdin (one line; on a terminal, asked twice without echo), never from the command line;
// new passwords need 12 to 256 bytes. The last enabled admin cannot be demoted or disabled.
#pragma once
#include <istream>

#include "server/cli/command_line.hpp"

namespace visit::server {

// Returns the exit code: 0 done, 1 refused (message on stderr: no such user, duplicate,
// bad password, last admin, no database). Throws on database failures.
int run_user_command(const user_options& options, std::istream& in);

}  // namespace visit::server
