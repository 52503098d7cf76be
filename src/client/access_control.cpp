#include "client/access_control.hpp"

#include <algorithm>
#include <boost/json/array.hpp>
#include <boost/json/object.hpp>
#include <boost/json/serialize.hpp>

#include "client/client_log.hpp"

namespace visit::client {
namespace {

namespace json = boost::json;

json::object technician_json(const technician& t) {
  json::object o;
  o["id"] = t.id;
  o["name"] = t.name;
  return o;
}

std::string who(const technician& t) {
  return printable(t.name, 128) + " (" + t.id + ")";
}

}  // namespace

std::string_view to_string(access_mode m) {
  switch (m) {
    case access_mode::read_only:
      return "read_only";
    case access_mode::requested:
      return "requested";
    case access_mode::full_access:
      return "full_access";
  }
  return "read_only";
}

std::string_view to_string(access_reason r) {
  switch (r) {
    case access_reason::initial:
      return "initial";
    case access_reason::requested:
      return "requested";
    case access_reason::granted:
      return "granted";
    case access_reason::revoked:
      return "revoked";
    case access_reason::mouse_precedence:
      return "mouse_precedence";
    case access_reason::paused:
      return "paused";
    case access_reason::resumed:
      return "resumed";
    case access_reason::disconnect:
      return "disconnect";
    case access_reason::timeout:
      return "timeout";
  }
  return "initial";
}

access_control::access_control(input_sink& sink, local_input_policy policy, clock now,
                               publisher publish, logger log)
    : sink_(sink),
      policy_(policy),
      now_(std::move(now)),
      publish_(std::move(publish)),
      log_(std::move(log)) {}

bool access_control::paused() const {
  return paused_until_ && now_() < *paused_until_;
}

std::string access_control::state_json(access_reason reason) const {
  json::object o;
  o["mode"] = mode_ == access_mode::full_access ? "full_access" : "read_only";
  if (mode_ == access_mode::full_access && controller_) {
    o["controller"] = technician_json(*controller_);
  } else {
    o["controller"] = nullptr;
  }
  o["reason"] = to_string(reason);
  if (!pending_.empty()) {
    json::array a;
    for (const auto& t : pending_) a.push_back(technician_json(t));
    o["pending"] = std::move(a);
  }
  if (mode_ == access_mode::full_access && paused()) {
    o["paused_ms"] =
        std::chrono::duration_cast<std::chrono::milliseconds>(*paused_until_ - now_()).count();
  }
  return json::serialize(o);
}

void access_control::publish(access_reason reason, const std::string& log) {
  log_(log);
  publish_(state_json(reason));
}

void access_control::change(access_mode mode, std::optional<technician> controller,
                            access_reason reason) {
  const bool leaving_full = mode_ == access_mode::full_access && mode != access_mode::full_access;
  mode_ = mode;
  controller_ = std::move(controller);
  if (mode_ != access_mode::full_access) paused_until_.reset();
  if (leaving_full) sink_.release_all();
  std::string line = "access: " + std::string(to_string(mode_));
  if (controller_) line += " for " + who(*controller_);
  line += " (" + std::string(to_string(reason)) + ")";
  publish(reason, line);
}

void access_control::on_connected() {
  pending_.clear();
  change(access_mode::read_only, std::nullopt, access_reason::initial);
}

void access_control::on_disconnected(access_reason why) {
  pending_.clear();
  change(access_mode::read_only, std::nullopt, why);
}

void access_control::on_control_request(const technician& t) {
  if (mode_ == access_mode::full_access && controller_ && controller_->id == t.id) return;
  const auto it =
      std::find_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.id == t.id; });
  if (it != pending_.end()) {
    it->name = t.name;
  } else {
    if (pending_.size() >= max_pending) pending_.erase(pending_.begin());
    pending_.push_back(t);
  }
  log_("technician " + printable(t.name, 128) + " asks for control; run: visit-client ctl grant" +
       (pending_.size() > 1 ? " --to " + t.id : ""));
  if (mode_ == access_mode::read_only) {
    change(access_mode::requested, std::nullopt, access_reason::requested);
  } else {
    publish(access_reason::requested,
            "access: " + std::string(to_string(mode_)) + ", request pending from " + who(t));
  }
}

bool access_control::accept_input(std::string_view technician_id) {
  if (paused_until_ && now_() >= *paused_until_) {
    paused_until_.reset();
    publish(access_reason::resumed, "access: remote input resumed");
  }
  const bool ok = mode_ == access_mode::full_access && controller_ &&
                  controller_->id == technician_id && !paused_until_;
  ++(ok ? accepted_ : dropped_);
  return ok;
}

access_control::grant_result access_control::grant(std::optional<std::string> to) {
  if (pending_.empty()) return {false, "nobody asked for control"};
  auto it = pending_.end();
  if (to) {
    it = std::find_if(pending_.begin(), pending_.end(), [&](const auto& p) { return p.id == *to; });
    if (it == pending_.end()) return {false, "technician " + *to + " did not ask for control"};
  } else if (pending_.size() > 1) {
    std::string ids;
    for (const auto& p : pending_) ids += " " + p.id;
    return {false, "several technicians asked; use grant --to ID (one of:" + ids + ")"};
  } else {
    it = pending_.begin();
  }
  technician t = *it;
  pending_.erase(it);
  if (mode_ == access_mode::full_access) sink_.release_all();  // hand-over to another
  change(access_mode::full_access, t, access_reason::granted);
  return {true, "full access granted to " + who(t)};
}

bool access_control::revoke() {
  if (mode_ == access_mode::read_only && pending_.empty()) return false;
  pending_.clear();
  change(access_mode::read_only, std::nullopt, access_reason::revoked);
  return true;
}

void access_control::on_local_input() {
  if (mode_ != access_mode::full_access) return;
  if (policy_.pause.count() == 0) {
    change(access_mode::read_only, std::nullopt, access_reason::mouse_precedence);
    return;
  }
  const bool was_paused = paused();
  paused_until_ = now_() + policy_.pause;
  if (!was_paused) {
    sink_.release_all();
    publish(access_reason::paused, "access: remote input paused by local input");
  }
}

}  // namespace visit::client
