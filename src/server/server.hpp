// Runs visit-server: TLS keys (or the --self-signed development path), the store, the
// listener, the io_context threads, shutdown on SIGINT/SIGTERM.
// Prints, besides the log lines of docs/operations.md, exactly these two lines for tools:
//   fingerprint sha256:<64 lowercase hex>
//   listening on https://HOST:PORT        (the real port, also when --listen asked for port 0)
#pragma once
#include "server/cli/command_line.hpp"

namespace visit::server {

// Returns the process exit code (0 after a clean shutdown). Throws std::exception for start-up
// failures (missing keys, unusable data dir, port in use, ...).
int run_server(const serve_options& options);

}  // namespace visit::server
