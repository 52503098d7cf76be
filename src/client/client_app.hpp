// visit-client's life: open the display, set up TLS, run the capture thread and the network
// thread (this one), and end on SIGINT/SIGTERM, or when the display's X server ends, with a
// normal WebSocket close after Read-Only.
// Thread-safety: call once, from main().
#pragma once
#include "client/client_options.hpp"

namespace visit::client {

// The version string sent in hello ("visit-client/<version>").
const char* client_version();

// Exit code when the display's X server ended under the client (logout, crash): the session
// is ended cleanly (Read-Only, the server told), and nothing is retried.
inline constexpr int exit_display_gone = 5;

// Runs until a signal (returns 0) or a fatal error: 1 when the display cannot be captured,
// 2 when the TLS settings cannot be loaded (e.g. an unreadable --ca file), 3 and 4 for the
// server's refusals (customer_session.hpp), exit_display_gone (5). Every list in
// docs/operations.md. A shutdown that has not finished `shutdown_timeout` + 1.5 s after it
// began (something stuck) ends the process with its exit code anyway.
int run_client(const client_options& options);

}  // namespace visit::client
