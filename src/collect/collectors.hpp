// Internal to visit_collect: the collectors behind run(). Each one runs on run()'s worker
// thread, checks the budget between steps and stops early (truncated) when time is up; a
// failure is an `outcome` with a reason, never an exception (run() still catches any).
#pragma once

#include <boost/json.hpp>
#include <chrono>
#include <optional>
#include <string>

#include "collect/collect.hpp"
#include "collect/program.hpp"

namespace visit::collect {

struct budget {
  std::chrono::steady_clock::time_point deadline;
  limits lim;
  bool truncated = false;  // a list was cut by max_items, a byte cap or the deadline

  bool expired() const { return std::chrono::steady_clock::now() >= deadline; }
  // Records that an item limit was reached: true when `count` is already max_items.
  bool full(std::size_t count) {
    if (count < lim.max_items) return false;
    truncated = true;
    return true;
  }
};

struct outcome {
  std::optional<boost::json::value> data;
  std::string reason;  // when !data
  static outcome ok(boost::json::value value) { return {std::move(value), {}}; }
  static outcome fail(std::string why) { return {std::nullopt, std::move(why)}; }
};

outcome collect_os(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_hardware(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_network(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_processes(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_libraries(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_config(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_packages(const boost::json::object& spec, const context& ctx, budget& b);
outcome collect_journal(const boost::json::object& spec, const context& ctx, budget& b);

// True when the collector reads the live system ("/"), so system calls (uname, getifaddrs,
// statvfs) describe the same machine as the files.
bool is_live(const context& ctx);

// A program request with the context's directories and the budget's deadline, leaving
// `reserve` of the budget for the work after the program.
program_request program_for(const context& ctx, const budget& b, std::string name,
                            std::vector<std::string> args,
                            std::chrono::milliseconds reserve = std::chrono::milliseconds(0));

// "NAME=value" for the session variables gsettings needs to find the customer's settings.
std::vector<std::string> gsettings_environment();

// Path checks shared by check_spec and the config collector: nullopt when `path` is an
// absolute path under /etc without "..", else the reason. Secret files are a separate check
// (secret_file_kind in redaction.hpp, on normal_path(path)).
std::optional<std::string> config_path_problem(std::string_view path);

// "//etc/./x//y" -> "/etc/x/y": empty and "." components dropped (no ".." expected).
std::string normal_path(std::string_view path);

// check_spec, where `refuse_secrets` false lets secret files and settings keys through:
// run() uses it so that a stored wizard naming one still collects the rest, the collector
// refusing that item by itself ("refused": why).
std::optional<std::string> check_spec(const boost::json::object& spec, bool refuse_secrets);

}  // namespace visit::collect
