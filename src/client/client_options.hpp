// visit-client's command line:
//   visit-client --headless --server https://HOST[:PORT] [--ca FILE | --pin SHA256HEX]
//                --name TEXT [--code 482-913-205] [--answers FILE] [--answer ID=VALUE]...
//                [--description TEXT] [--leave-out ID[,ID...]] [--review] [--yes]
//                [--display :N] [--ctl-socket PATH] [--local-input revoke|pause:SECONDS]
//   visit-client ctl status|revoke|grant [--to ID] [--socket PATH]   (ctl_socket.hpp)
// Options take their value as the next argument or after '=' (--name=Ada).
// Thread-safety: pure.
#pragma once
#include <chrono>
#include <optional>
#include <span>
#include <string>

#include "client/headless_wizard.hpp"
#include "net/server_address.hpp"
#include "net/tls_verification.hpp"

namespace visit::client {

struct client_options {
  bool headless = false;
  net::server_address server;
  net::trust_config trust;  // system store unless --ca or --pin
  std::string name;
  std::string code;        // --code: 9 digits (spaces and dashes removed), or empty
  wizard_inputs wizard;    // name, description, answers, leave-out, review, yes
  std::string display;     // empty: $DISPLAY
  std::string ctl_socket;  // empty: default_ctl_socket_path()
  // Local input during Full-Access: 0 returns to Read-Only, else pauses remote input so long.
  std::chrono::milliseconds local_input_pause{0};
  // --no-input: log accepted remote input instead of injecting it (no mouse precedence).
  bool no_input = false;
};

struct parse_outcome {
  std::optional<client_options> options;  // set when the client should run
  bool help = false;                      // --help: print usage(), exit 0
  bool version = false;                   // --version: print the version, exit 0
  std::string error;                      // otherwise: print it and usage(), exit 2
};

// `args` excludes the program name.
parse_outcome parse_client_options(std::span<const std::string_view> args);
std::string usage();

}  // namespace visit::client
