#include "client/client_options.hpp"

#include <algorithm>
#include <vector>

#include "protocol/message.hpp"

namespace visit::client {
namespace {

parse_outcome fail(std::string error) {
  parse_outcome out;
  out.error = std::move(error);
  return out;
}

}  // namespace

std::string usage() {
  return "usage: visit-client --headless --server https://HOST[:PORT] [--ca FILE | --pin SHA256]\n"
         "                    --name TEXT [--code DIGITS] [--answers FILE] [--answer ID=VALUE]...\n"
         "                    [--leave-out ID,...] [--review | --yes] [--display :N]\n"
         "  --server URL      the support organisation's visit-server\n"
         "  --ca FILE         trust only the CA certificate(s) in FILE (PEM); the host name\n"
         "                    must match the server's certificate\n"
         "  --pin SHA256      trust only a server whose certificate has this SHA-256 fingerprint\n"
         "                    (64 hex digits, colons allowed), as visit-server prints it\n"
         "                    without either: the system's CA store and a host name check\n"
         "  --name TEXT       your name, shown to the technicians (1..128 bytes)\n"
         "  --code DIGITS     the session code a technician read out to you (9 digits,\n"
         "                    e.g. 482-913-205): connects you to that technician\n"
         "  --answers FILE    answers to the support wizard: a JSON object question id -> text\n"
         "  --answer ID=VALUE one answer (repeatable; wins over --answers)\n"
         "  --description TEXT  fills the wizard's one-line summary question\n"
         "  --leave-out ID,...  system information not to send (collector ids, e.g. packages)\n"
         "  --review          print exactly what will be sent, then ask before sending\n"
         "                    (the default when stdin is a terminal)\n"
         "  --yes             send without asking (scripted use; nothing is sent without a\n"
         "                    terminal unless --yes is given)\n"
         "  --display :N      the X display to share (default: $DISPLAY)\n"
         "  --headless        run without a window (the only face in this build)\n"
         "  --ctl-socket PATH the local control socket (default "
         "$XDG_RUNTIME_DIR/visit-client.sock)\n"
         "  --local-input revoke|pause:SECONDS\n"
         "                    when you use your mouse or keyboard during full access: return to\n"
         "                    read-only (default) or pause the technician's input that long\n"
         "  --no-input        do not inject the technician's input; only log it\n"
         "\n"
         "       visit-client ctl status|revoke|grant [--to ID] [--socket PATH]\n"
         "  control a running visit-client: show the access state, return to read-only,\n"
         "  or grant full access to the technician who asked\n";
}

parse_outcome parse_client_options(std::span<const std::string_view> args) {
  client_options o;
  bool have_server = false, have_name = false, have_ca = false, have_pin = false;
  for (std::size_t i = 0; i < args.size(); ++i) {
    std::string_view arg = args[i];
    std::optional<std::string_view> inline_value;
    if (arg.starts_with("--")) {
      if (const auto eq = arg.find('='); eq != std::string_view::npos) {
        inline_value = arg.substr(eq + 1);
        arg = arg.substr(0, eq);
      }
    }
    const auto value = [&]() -> std::optional<std::string_view> {
      if (inline_value) return inline_value;
      if (i + 1 >= args.size()) return std::nullopt;
      return args[++i];
    };
    const auto flag_only = [&] { return !inline_value; };

    if (arg == "--help" || arg == "-h") {
      parse_outcome out;
      out.help = true;
      return out;
    }
    if (arg == "--version") {
      parse_outcome out;
      out.version = true;
      return out;
    }
    if (arg == "--headless") {
      if (!flag_only()) return fail("--headless takes no value");
      o.headless = true;
    } else if (arg == "--server") {
      const auto v = value();
      if (!v) return fail("--server needs a URL");
      std::string error;
      auto addr = net::parse_server_url(*v, error);
      if (!addr) return fail("--server: " + error);
      o.server = std::move(*addr);
      have_server = true;
    } else if (arg == "--ca") {
      const auto v = value();
      if (!v || v->empty()) return fail("--ca needs a file");
      o.trust.ca_file = std::string(*v);
      have_ca = true;
    } else if (arg == "--pin") {
      const auto v = value();
      if (!v) return fail("--pin needs a SHA-256 fingerprint");
      const auto pin = net::parse_pin(*v);
      if (!pin) return fail("--pin: not a SHA-256 fingerprint (64 hex digits, colons allowed)");
      o.trust.pin = *pin;
      have_pin = true;
    } else if (arg == "--name") {
      const auto v = value();
      if (!v) return fail("--name needs a value");
      o.name = std::string(*v);
      have_name = true;
    } else if (arg == "--description") {
      const auto v = value();
      if (!v) return fail("--description needs a value");
      o.wizard.description = std::string(*v);
    } else if (arg == "--code") {
      const auto v = value();
      if (!v) return fail("--code needs the 9-digit session code");
      std::string digits;
      for (const char c : *v) {
        if (c == ' ' || c == '-') continue;
        digits += c;
      }
      if (digits.size() != 9 || digits.find_first_not_of("0123456789") != std::string::npos)
        return fail("--code must be 9 digits (spaces and dashes are ignored), e.g. 482-913-205");
      o.code = std::move(digits);
    } else if (arg == "--answers") {
      const auto v = value();
      if (!v || v->empty()) return fail("--answers needs a file");
      o.wizard.answers_file = std::string(*v);
    } else if (arg == "--answer") {
      const auto v = value();
      const auto eq = v ? v->find('=') : std::string_view::npos;
      if (!v || eq == 0 || eq == std::string_view::npos)
        return fail("--answer takes ID=VALUE, e.g. --answer topic=printing");
      o.wizard.answers.emplace_back(std::string(v->substr(0, eq)), std::string(v->substr(eq + 1)));
    } else if (arg == "--leave-out") {
      const auto v = value();
      if (!v || v->empty()) return fail("--leave-out needs collector ids, e.g. packages,journal");
      std::string_view rest = *v;
      while (!rest.empty()) {
        const auto comma = rest.find(',');
        const auto id = rest.substr(0, comma);
        if (!id.empty()) o.wizard.leave_out.emplace_back(id);
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (arg == "--review") {
      if (!flag_only()) return fail("--review takes no value");
      o.wizard.review = true;
    } else if (arg == "--yes") {
      if (!flag_only()) return fail("--yes takes no value");
      o.wizard.yes = true;
    } else if (arg == "--display") {
      const auto v = value();
      if (!v || v->empty()) return fail("--display needs a display name such as :1");
      o.display = std::string(*v);
    } else if (arg == "--ctl-socket") {
      const auto v = value();
      if (!v || v->empty() || !v->starts_with("/"))
        return fail("--ctl-socket needs an absolute path");
      o.ctl_socket = std::string(*v);
    } else if (arg == "--no-input") {
      if (!flag_only()) return fail("--no-input takes no value");
      o.no_input = true;
    } else if (arg == "--local-input") {
      const auto v = value();
      if (v && *v == "revoke") {
        o.local_input_pause = std::chrono::milliseconds(0);
      } else if (v && v->starts_with("pause:") && v->size() > 6 && v->size() <= 9 &&
                 v->substr(6).find_first_not_of("0123456789") == std::string_view::npos) {
        const int seconds = std::stoi(std::string(v->substr(6)));
        if (seconds < 1 || seconds > 600) return fail("--local-input pause: 1 to 600 seconds");
        o.local_input_pause = std::chrono::seconds(seconds);
      } else {
        return fail("--local-input takes revoke or pause:SECONDS");
      }
    } else {
      return fail("unknown argument: " + std::string(args[i]));
    }
  }
  if (!o.headless) return fail("only --headless is available in this build");
  if (!have_server) return fail("--server is required");
  if (!have_name) return fail("--name is required");
  if (have_ca && have_pin) return fail("--ca and --pin cannot be used together");
  if (o.name.empty() || o.name.size() > protocol::max_name_bytes ||
      !protocol::is_valid_utf8(o.name)) {
    return fail("--name must be 1 to 128 bytes of UTF-8");
  }
  if (std::any_of(o.name.begin(), o.name.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return fail("--name must not contain control characters");
  }
  if (o.wizard.description.size() > protocol::max_description_bytes ||
      !protocol::is_valid_utf8(o.wizard.description)) {
    return fail("--description must be at most 2048 bytes of UTF-8");
  }
  for (const auto& [id, answer] : o.wizard.answers) {
    if (!protocol::is_valid_utf8(answer)) return fail("--answer " + id + ": not valid UTF-8");
  }
  o.wizard.name = o.name;
  o.trust.mode = have_pin  ? net::trust_mode::pinned
                 : have_ca ? net::trust_mode::ca_file
                           : net::trust_mode::system_store;
  parse_outcome out;
  out.options = std::move(o);
  return out;
}

}  // namespace visit::client
