// run(): validates the spec, runs the collector on a worker thread of its own and waits at
// most limits.time (+ a little for the collector to wrap up); bounds the data it returns.
#include "collect/collect.hpp"

#include <condition_variable>
#include <mutex>
#include <thread>

#include "collect/collectors.hpp"
#include "collect/support.hpp"

namespace visit::collect {

namespace json = boost::json;
using clock = std::chrono::steady_clock;

namespace {

// How long run() waits past limits.time for a collector that is finishing (cooperative stop
// at the deadline, a program being killed) before it gives up on the worker.
constexpr std::chrono::milliseconds grace{150};

using collector_fn = outcome (*)(const json::object&, const context&, budget&);

collector_fn collector_for(std::string_view id) {
  if (id == "os") return collect_os;
  if (id == "hardware") return collect_hardware;
  if (id == "network") return collect_network;
  if (id == "processes") return collect_processes;
  if (id == "libraries") return collect_libraries;
  if (id == "config") return collect_config;
  if (id == "packages") return collect_packages;
  if (id == "journal") return collect_journal;
  return nullptr;
}

// Shared by run() and its worker; the worker may outlive run() when it is stuck in a system
// call, so it owns copies of everything it reads.
struct job {
  json::object spec;
  context ctx;
  budget b;
  collector_fn fn = nullptr;
  std::mutex mutex;
  std::condition_variable done_cv;
  bool done = false;
  json::object result;  // without elapsed_ms
};

json::object not_collected(std::string reason) {
  return {{"status", "not_collected"}, {"reason", std::move(reason)}};
}

json::object finish(job& j) {
  outcome o;
  try {
    o = j.fn(j.spec, j.ctx, j.b);
  } catch (const std::exception& e) {
    o = outcome::fail(std::string("internal error: ") + valid_utf8(e.what()));
  } catch (...) {
    o = outcome::fail("internal error");
  }
  if (!o.data) return not_collected(std::move(o.reason));
  try {
    if (fit_to_size(*o.data, j.b.lim.max_bytes)) j.b.truncated = true;
    std::size_t size = serialized_size(*o.data);
    if (size > j.b.lim.max_bytes)
      return not_collected("the data (" + std::to_string(size) + " bytes) does not fit in " +
                           std::to_string(j.b.lim.max_bytes) + " bytes");
    return {{"status", "ok"}, {"data", std::move(*o.data)}, {"truncated", j.b.truncated}};
  } catch (const std::exception& e) {
    return not_collected(std::string("internal error: ") + valid_utf8(e.what()));
  }
}

std::int64_t since(clock::time_point start) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(clock::now() - start).count();
}

}  // namespace

bool is_live(const context& ctx) {
  return ctx.root.lexically_normal() == "/";
}

program_request program_for(const context& ctx, const budget& b, std::string name,
                            std::vector<std::string> args, std::chrono::milliseconds reserve) {
  program_request request;
  request.name = std::move(name);
  request.args = std::move(args);
  request.dirs = ctx.program_dirs;
  request.deadline = b.deadline - reserve;
  request.max_stdout = b.lim.max_bytes;
  return request;
}

json::object run(const json::object& spec, const context& ctx, const limits& lim) {
  auto start = clock::now();
  json::object result;
  try {
    if (auto problem = check_spec(spec, false)) {
      result = not_collected(*problem);
    } else {
      auto j = std::make_shared<job>();
      j->spec = spec;
      j->ctx = ctx;
      if (j->ctx.root.empty()) j->ctx.root = "/";  // never read relative to the working directory
      j->b.lim = lim;
      j->b.deadline = start + lim.time;
      j->fn = collector_for(spec.at("id").as_string());
      std::thread([j] {
        json::object r = finish(*j);
        std::lock_guard lock(j->mutex);
        j->result = std::move(r);
        j->done = true;
        j->done_cv.notify_all();
      }).detach();
      std::unique_lock lock(j->mutex);
      if (j->done_cv.wait_until(lock, start + lim.time + grace, [&] { return j->done; }))
        result = std::move(j->result);
      else
        result = not_collected("timed out after " + std::to_string(lim.time.count()) + " ms");
    }
  } catch (const std::exception& e) {
    result = not_collected(std::string("internal error: ") + valid_utf8(e.what()));
  } catch (...) {
    result = not_collected("internal error");
  }
  result["elapsed_ms"] = since(start);
  return result;
}

}  // namespace visit::collect
