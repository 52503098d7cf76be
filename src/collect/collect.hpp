// The customer's system-information collectors: one call runs one collector of the wizard
// (docs/collectors.md has every collector, its parameters and the exact shape of its data).
//
// Contract: run() never throws and returns within limits.time plus ~200 ms. A collector that
// cannot do its job returns "not_collected" with a reason a customer can read; nothing is
// sent anywhere by this library — the client shows the result to the customer first.
// Thread: run() may be called from any thread; it runs the collector on a worker thread of
// its own (so a blocking system call cannot hold the caller past the limit) and calls the
// `displays` hook on that worker thread.
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <cstddef>
#include <filesystem>
#include <functional>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

namespace visit::collect {

struct limits {
  std::chrono::milliseconds time{3000};  // per collector, wall clock, hard bound
  std::size_t max_bytes = 1 << 20;       // serialized size of `data`, approx bound
  std::size_t max_items = 5000;          // list entries (processes, packages, libraries...)
};

struct context {
  std::filesystem::path root = "/";  // /proc, /sys, /etc are read under root (fixtures)
  // Optional hook for displays (the client fills it from XRandR); empty -> "displays" omitted.
  // Called on the collector's worker thread; an exception from it becomes "displays_error".
  std::function<boost::json::array()> displays;
  // Directories searched, in order, for the external programs (dpkg-query, rpm, journalctl,
  // gsettings). Tests put fake programs first. The programs themselves run with
  // PATH=/usr/bin:/bin whatever this list says.
  std::vector<std::filesystem::path> program_dirs{"/usr/bin", "/bin", "/usr/sbin", "/sbin"};
};

// Names of known collectors: os, hardware, network, processes, libraries, config, packages,
// journal.
std::span<const std::string_view> known_collectors();

// nullopt when `spec` ({"id": "...", params...}) is a valid collector spec; otherwise a clear
// message, e.g. "config.files[2]: only paths under /etc are allowed". Used by the wizard
// definition validator on the server.
std::optional<std::string> check_spec(const boost::json::object& spec);

// Runs one collector. Never throws, never exceeds limits.time by more than ~200 ms.
// Returns {"status":"ok","data":<value>,"elapsed_ms":N,"truncated":bool}
//      or {"status":"not_collected","reason":"<clear reason>","elapsed_ms":N}
boost::json::object run(const boost::json::object& spec, const context&, const limits&);

}  // namespace visit::collect
