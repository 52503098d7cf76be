// The whole of visit-server's main(): parses the command line and runs `user add` or the
// server. Start-up errors become one "visit-server: ..." line on stderr and exit code 1
// (2 for usage errors).
#pragma once

namespace visit::server {

int server_main(int argc, char** argv);

}  // namespace visit::server
