// visit-client: shares this desktop with the support organisation's technicians.
// Everything is in visit_client_lib (src/client/client_app.hpp); this only reads arguments.
#include <cstdio>
#include <string_view>
#include <vector>

#include "client/client_app.hpp"
#include "client/client_options.hpp"
#include "client/ctl_socket.hpp"

// Terminal output below is cast to void: a failed write there has nowhere else to be reported.
int main(int argc, char** argv) {
  std::vector<std::string_view> args(argv + 1, argv + argc);
  if (!args.empty() && args[0] == "ctl") {
    return visit::client::run_ctl(std::span(args).subspan(1));
  }
  const auto parsed = visit::client::parse_client_options(args);
  if (parsed.help) {
    (void)std::fputs(visit::client::usage().c_str(), stdout);
    return 0;
  }
  if (parsed.version) {
    std::printf("visit-client %s\n", visit::client::client_version());
    return 0;
  }
  if (!parsed.options) {
    (void)std::fprintf(stderr, "visit-client: %s\n%s", parsed.error.c_str(),
                       visit::client::usage().c_str());
    return 2;
  }
  return visit::client::run_client(*parsed.options);
}
