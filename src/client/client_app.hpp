// visit-client's life: open the display, set up TLS, run the capture thread and the network
// thread (this one), and end on SIGINT/SIGTERM with a normal WebSocket close.
// Thread-safety: call once, from main().
#pragma once
#include "client/client_options.hpp"

namespace visit::client {

// The version string sent in hello ("visit-client/<version>").
const char* client_version();

// Runs until a signal (returns 0) or a fatal error: 1 when the display cannot be captured,
// 2 when the TLS settings cannot be loaded (e.g. an unreadable --ca file).
int run_client(const client_options& options);

}  // namespace visit::client
