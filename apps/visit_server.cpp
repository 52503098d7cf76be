// visit-server: HTTPS + WebSocket listener, technician console and session hub.
// Everything lives in visit_server_lib (src/server/); see docs/operations.md.
#include "server/cli/server_main.hpp"

int main(int argc, char** argv) {
  return visit::server::server_main(argc, argv);
}
