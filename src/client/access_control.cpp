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

std::string access_control::state_json(access_reason reason,
                                       std::optional<released_input> released) const {
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
  if (released) {
    json::object r;
    r["keys"] = released->keys;
    r["buttons"] = released->buttons;
    o["released"] = std::move(r);
  }
  return json::serialize(o);
}

void access_control::publish(access_reason reason, const std::string& log,
                             std::optional<released_input> released) {
  log_(log);
  publish_(state_json(reason, released));
}

void access_control::change(access_mode mode, std::optional<technician> controller,
                            access_reason reason, std::optional<released_input> released) {
  const bool leaving_full = mode_ == access_mode::full_access && mode != access_mode::full_access;
  mode_ = mode;
  controller_ = std::move(controller);
  if (mode_ != access_mode::full_access) paused_until_.reset();
  if (leaving_full) released = sink_.release_all();
  std::string line = "access: " + std::string(to_string(mode_));
  if (controller_) line += " for " + who(*controller_);
  line += " (" + std::string(to_string(reason)) + ")";
  if (released) {
    line += "; released " + std::to_string(released->keys) + " keys, " +
            std::to_string(released->buttons) + " buttons";
  }
  publish(reason, line, released);
}

bool access_control::watching(std::string_view id) const {
  return !watching_ || std::find(watching_->begin(), watching_->end(), id) != watching_->end();
}

void access_control::on_technicians(std::vector<std::string> ids) {
  watching_ = std::move(ids);
  std::erase_if(pending_, [&](const technician& t) { return !watching(t.id); });
  const bool controller_left =
      mode_ == access_mode::full_access && controller_ && !watching(controller_->id);
  const bool nobody_asks = mode_ == access_mode::requested && pending_.empty();
  if (controller_left || nobody_asks) {
    change(access_mode::read_only, std::nullopt, access_reason::disconnect);
  }
}

void access_control::on_connected() {
  pending_.clear();
  watching_.reset();
  change(access_mode::read_only, std::nullopt, access_reason::initial);
}

void access_control::on_disconnected(access_reason why) {
  pending_.clear();
  watching_.reset();
  change(access_mode::read_only, std::nullopt, why);
}

void access_control::on_control_request(const technician& t) {
  if (mode_ == access_mode::full_access && controller_ && controller_->id == t.id) return;
  // The request may overtake the viewers list that names its sender: it watches.
  if (watching_ && !watching(t.id)) watching_->push_back(t.id);
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

void access_control::on_tick() {
  if (paused_until_ && now_() >= *paused_until_) {
    paused_until_.reset();
    publish(access_reason::resumed, "access: remote input resumed");
  }
}

bool access_control::accept_input(std::string_view technician_id) {
  on_tick();
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
  if (!watching(t.id)) return {false, "technician " + t.id + " is no longer watching"};
  std::optional<released_input> released;
  if (mode_ == access_mode::full_access) released = sink_.release_all();  // hand-over
  change(access_mode::full_access, t, access_reason::granted, released);
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
    const released_input released = sink_.release_all();
    publish(access_reason::paused, "access: remote input paused by local input", released);
  }
}

}  // namespace visit::client
