// `visit-server audit verify|list --data-dir DIR`: checks the audit log's chain with the key
// in DATA_DIR/audit.key, or prints its records (docs/operations.md, "Audit log"). Reads only:
// the database is opened read-only and the key is never created here.
#pragma once
#include <ostream>

#include "server/cli/command_line.hpp"

namespace visit::server {

// Exit codes: verify 0 intact, 1 broken (the first bad seq on `out`); list 0. Either: 2 when
// the key or the database cannot be read (message on `err`).
int run_audit(const audit_options& options, std::ostream& out, std::ostream& err);

}  // namespace visit::server
