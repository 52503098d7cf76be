#include "server/api/request_routes.hpp"

#include <boost/json.hpp>

#include "collect/collect.hpp"
#include "protocol/control.hpp"
#include "protocol/message.hpp"
#include "server/log.hpp"
#include "server/shared_state.hpp"
#include "wizard/wizard.hpp"

namespace visit::server {

namespace json = boost::json;

bool may_see(store& db, const support_request_record& r, std::string_view user,
             technician_role role) {
  if (r.technician && *r.technician == user) return true;
  if (r.queue != "direct") {
    auto q = db.find_queue(r.queue);
    auto needed = q ? q->required_role() : std::nullopt;
    if (needed && role_at_least(role, *needed)) return true;
  }
  return db.is_invited(r.id, user);
}

bool is_given(store& db, const support_request_record& r, std::string_view user,
              technician_role role) {
  if (r.state != request_state::in_session) return false;
  if (r.technician && *r.technician == user) return true;
  if (role_at_least(role, technician_role::senior)) return true;
  return db.is_invited(r.id, user);
}

json::object request_summary(const support_request_record& r, bool online, std::size_t viewers,
                             std::int64_t notes) {
  json::object o;
  o["id"] = r.id;
  o["name"] = r.name;
  o["summary"] = r.summary;
  o["topic"] = r.topic;
  o["queue"] = r.queue;
  o["state"] = to_string(r.state);
  if (r.technician) {
    o["technician"] = *r.technician;
  } else {
    o["technician"] = nullptr;
  }
  o["created_at"] = r.created_at;
  o["updated_at"] = r.updated_at;
  o["online"] = online;
  o["via_code"] = r.via_code;
  o["viewers"] = static_cast<std::int64_t>(viewers);
  o["notes"] = notes;
  return o;
}

namespace {

front_door_reply reply(unsigned status, const json::value& body) {
  return {status, json::serialize(body)};
}

front_door_reply error(unsigned status, std::string_view message) {
  json::object o;
  o["error"] = message;
  return reply(status, o);
}

// A string member within [min, max] bytes of valid UTF-8.
std::optional<std::string> text_member(const json::object& o, std::string_view key, std::size_t min,
                                       std::size_t max) {
  auto* v = o.if_contains(key);
  if (!v || !v->is_string()) return std::nullopt;
  std::string_view s(v->as_string().data(), v->as_string().size());
  if (s.size() < min || s.size() > max || !protocol::is_valid_utf8(s)) return std::nullopt;
  return std::string(s);
}

std::optional<json::object> body_object(std::string_view body) {
  if (body.empty()) return json::object();
  boost::system::error_code ec;
  json::parse_options opt;
  opt.max_depth = 64;
  json::value v = json::parse(body, ec, {}, opt);
  if (ec || !v.is_object()) return std::nullopt;
  return std::move(v.as_object());
}

bool valid_queue_name(std::string_view n) {
  if (n.empty() || n.size() > 32) return false;
  for (char c : n) {
    if (!((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')) return false;
  }
  return true;
}

bool valid_username(std::string_view n) {
  return !n.empty() && n.size() <= protocol::max_technician_id_bytes &&
         protocol::is_valid_technician_id(n);
}

class handler {
 public:
  handler(shared_state& s, const front_door_call& c)
      : st_(s), db_(s.db()), call_(c), user_(c.session.username), role_(c.session.role) {}

  front_door_reply run() {
    using enum front_door_action;
    const front_door_action a = call_.route->what;
    if (a == list) return list_requests();
    if (a == codes_list) return list_codes();
    if (a == codes_create) return create_code();
    if (is_admin_action(a)) {
      if (!role_at_least(role_, technician_role::admin)) return error(403, "admins only");
      switch (a) {
        case queues_list:
          return list_queues();
        case queues_create:
          return create_queue();
        case queue_update:
          return update_queue();
        case wizard_get:
          return get_wizard();
        default:
          return set_wizard();
      }
    }
    // Everything else names one request the technician must be allowed to see.
    auto r = db_.find_request(call_.route->request_id);
    if (!r || !may_see(db_, *r, user_, role_)) return error(404, "no such request");
    rec_ = std::move(*r);
    if (a == get) return details();
    if (a == take) return take_request();
    if (a == notes) return add_note();
    // Owner, senior or admin.
    bool owner = rec_.technician && *rec_.technician == user_;
    if (!owner && !role_at_least(role_, technician_role::senior)) {
      return error(403, "only the technician who has this request, a senior or an admin may");
    }
    switch (a) {
      case transfer:
        return transfer_request();
      case invite:
        return invite_technician();
      case resolve:
        return resolve_request();
      case reopen:
        return reopen_request();
      default:
        return error(404, "not found");
    }
  }

 private:
  std::optional<json::object> body() { return body_object(call_.body); }

  json::object summary_of(const support_request_record& r) {
    return request_summary(r, st_.hub().is_online(r.id), st_.hub().viewer_count(r.id),
                           db_.note_count(r.id));
  }
  front_door_reply current_summary(unsigned status = 200) {
    auto r = db_.find_request(rec_.id);
    if (!r) return error(404, "no such request");
    return reply(status, summary_of(*r));
  }
  void changed(std::string_view what) {
    db_.add_event(rec_.id, user_, what, unix_now());
    st_.request_changed(rec_.id);
    log_line("request " + std::string(what.substr(0, what.find(' '))) + " request=" + rec_.id +
             " user=" + log_quote(user_, 64));
  }

  front_door_reply list_requests() {
    json::object o;
    o["server_time"] = unix_now();
    o["requests"] = json::parse(st_.requests_json(user_, role_, nullptr));
    return reply(200, o);
  }

  front_door_reply details() {
    json::object o = summary_of(rec_);
    o["wizard_version"] = rec_.wizard_version;
    boost::system::error_code ec;
    json::value answers = json::parse(rec_.answers_json, ec);
    if (ec || !answers.is_object()) answers = json::object();
    json::value definition;
    if (auto w = db_.find_wizard(rec_.wizard_version)) {
      definition = json::parse(w->json, ec);
      if (ec) definition = json::object();
    }
    json::array list;
    const auto& given = answers.as_object();
    std::vector<std::string> listed;
    if (definition.is_object()) {
      for (const json::object* q : wizard::questions(definition.as_object())) {
        auto* id = q->if_contains("id");
        if (!id || !id->is_string()) continue;
        auto* v = given.if_contains(id->as_string());
        if (!v) continue;
        json::object a;
        a["id"] = id->as_string();
        auto* label = q->if_contains("label");
        a["label"] = label && label->is_string() ? label->as_string() : id->as_string();
        a["value"] = *v;
        a["display"] = *v;
        if (auto* opts = q->if_contains("options"); opts && opts->is_array() && v->is_string()) {
          for (const auto& opt : opts->as_array()) {
            if (!opt.is_object()) continue;
            auto* ov = opt.as_object().if_contains("value");
            auto* ol = opt.as_object().if_contains("label");
            if (ov && ol && *ov == *v) a["display"] = *ol;
          }
        }
        listed.emplace_back(id->as_string());
        list.push_back(std::move(a));
      }
    }
    for (const auto& [k, v] : given) {  // answers to questions the definition no longer has
      if (std::find(listed.begin(), listed.end(), std::string(k)) != listed.end()) continue;
      list.push_back({{"id", k}, {"label", k}, {"value", v}, {"display", v}});
    }
    o["answers"] = std::move(list);
    json::value collected = json::parse(rec_.collected_json, ec);
    o["collected"] = ec ? json::value(json::object()) : collected;
    json::array notes;
    for (auto& n : db_.list_notes(rec_.id)) {
      notes.push_back({{"author", n.author}, {"text", n.text}, {"at", n.at}});
    }
    o["notes"] = std::move(notes);
    json::array events;
    for (auto& e : db_.list_events(rec_.id)) {
      events.push_back({{"at", e.at}, {"who", e.who}, {"what", e.what}});
    }
    o["events"] = std::move(events);
    return reply(200, o);
  }

  front_door_reply take_request() {
    std::string holder;
    switch (db_.take_request(rec_.id, user_, unix_now(), &holder)) {
      case store::take_result::taken:
        changed("take");
        return current_summary();
      case store::take_result::already_taken:
        log_line("request take_refused request=" + rec_.id + " user=" + log_quote(user_, 64) +
                 " holder=" + log_quote(holder, 64));
        return error(409, "already taken by " + holder);
      case store::take_result::not_waiting:
        return error(409, "the request is not waiting");
      case store::take_result::missing:
        return error(404, "no such request");
      case store::take_result::failed:
        break;
    }
    return error(500, "the server cannot store this");
  }

  front_door_reply transfer_request() {
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    auto tech = text_member(*b, "technician", 1, protocol::max_technician_id_bytes);
    auto queue = text_member(*b, "queue", 1, 32);
    if (tech.has_value() == queue.has_value()) {
      return error(400, "expected {\"technician\": USERNAME} or {\"queue\": NAME}");
    }
    if (tech) {
      if (!valid_username(*tech) || !db_.find_user(*tech)) return error(400, "no such technician");
      if (!db_.assign_technician(rec_.id, *tech, unix_now())) {
        return error(409, "the request is not open");
      }
      changed("transfer to technician " + *tech);
    } else {
      if (!valid_queue_name(*queue) || !db_.find_queue(*queue)) return error(400, "no such queue");
      if (!db_.move_to_queue(rec_.id, *queue, unix_now())) {
        return error(409, "the request is not open");
      }
      changed("transfer to queue " + *queue);
    }
    return current_summary();
  }

  front_door_reply invite_technician() {
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    auto tech = text_member(*b, "technician", 1, protocol::max_technician_id_bytes);
    if (!tech) return error(400, "expected {\"technician\": USERNAME}");
    if (!valid_username(*tech) || !db_.find_user(*tech)) return error(400, "no such technician");
    if (!db_.add_invite(rec_.id, *tech, user_, unix_now())) {
      return error(500, "the server cannot store this");
    }
    changed("invite " + *tech);
    return {204, {}};
  }

  front_door_reply add_note() {
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    auto text = text_member(*b, "text", 1, 4096);
    if (!text) return error(400, "text: 1 to 4096 bytes of UTF-8");
    if (!db_.add_note(rec_.id, user_, *text, unix_now())) {
      return error(500, "the server cannot store this");
    }
    changed("note");
    json::object o;
    o["author"] = user_;
    o["text"] = *text;
    o["at"] = unix_now();
    return reply(201, o);
  }

  front_door_reply resolve_request() {
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    std::optional<std::string> note;
    if (b->contains("note")) {
      note = text_member(*b, "note", 0, 4096);
      if (!note) return error(400, "note: at most 4096 bytes of UTF-8");
    }
    if (!db_.resolve_request(rec_.id, unix_now())) return error(409, "already resolved");
    if (note && !note->empty()) db_.add_note(rec_.id, user_, *note, unix_now());
    // The customer is told and its connection ends; so do the viewers'.
    st_.hub().close_request(rec_.id, protocol::close_code::resolved,
                            "the technician resolved the request");
    changed("resolve");
    return current_summary();
  }

  front_door_reply reopen_request() {
    if (!db_.reopen_request(rec_.id, unix_now())) return error(409, "the request is open");
    changed("reopen");
    return current_summary();
  }

  front_door_reply list_codes() {
    json::array list;
    for (auto& c : st_.codes().live_for(user_)) {
      list.push_back({{"code", c.code}, {"expires_at", c.expires_at}});
    }
    json::object o;
    o["codes"] = std::move(list);
    return reply(200, o);
  }

  front_door_reply create_code() {
    session_codes::create_error why{};
    auto c = st_.codes().create(user_, &why);
    if (!c) {
      if (why == session_codes::create_error::too_many) {
        return error(409, "at most 5 live codes per technician");
      }
      return error(500, "the server cannot store this");
    }
    log_line("code created user=" + log_quote(user_, 64) +
             " expires_at=" + std::to_string(c->expires_at));
    json::object o;
    o["code"] = c->code;
    o["expires_at"] = c->expires_at;
    return reply(201, o);
  }

  static json::object queue_json(const queue_record& q) {
    return {{"name", q.name}, {"title", q.title}, {"min_role", q.min_role}};
  }

  front_door_reply list_queues() {
    json::array list;
    for (auto& q : db_.list_queues()) list.push_back(queue_json(q));
    json::object o;
    o["queues"] = std::move(list);
    return reply(200, o);
  }

  front_door_reply create_queue() {
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    auto name = text_member(*b, "name", 1, 32);
    auto title = text_member(*b, "title", 1, 200);
    auto min_role = text_member(*b, "min_role", 1, 16);
    if (!name || !valid_queue_name(*name)) return error(400, "name: 1 to 32 of [a-z0-9-]");
    if (*name == "direct") return error(400, "name: \"direct\" is reserved for session codes");
    if (!title) return error(400, "title: 1 to 200 bytes of UTF-8");
    if (!min_role || !parse_role(*min_role)) {
      return error(400, "min_role: one of technician, senior, admin");
    }
    queue_record q{*name, *title, *min_role};
    switch (db_.add_queue(q)) {
      case store::add_result::added:
        log_line("queue created name=" + q.name + " user=" + log_quote(user_, 64));
        st_.resync_consoles();
        return reply(201, queue_json(q));
      case store::add_result::duplicate:
        return error(409, "a queue of that name exists");
      case store::add_result::failed:
        break;
    }
    return error(500, "the server cannot store this");
  }

  front_door_reply update_queue() {
    auto q = db_.find_queue(call_.route->name);
    if (!q) return error(404, "no such queue");
    auto b = body();
    if (!b) return error(400, "expected a JSON object");
    if (b->contains("title")) {
      auto t = text_member(*b, "title", 1, 200);
      if (!t) return error(400, "title: 1 to 200 bytes of UTF-8");
      q->title = *t;
    }
    if (b->contains("min_role")) {
      auto m = text_member(*b, "min_role", 1, 16);
      if (!m || !parse_role(*m)) return error(400, "min_role: one of technician, senior, admin");
      q->min_role = *m;
    }
    if (!db_.update_queue(*q)) return error(500, "the server cannot store this");
    log_line("queue updated name=" + q->name + " user=" + log_quote(user_, 64));
    st_.resync_consoles();
    return reply(200, queue_json(*q));
  }

  front_door_reply get_wizard() {
    auto w = db_.current_wizard();
    if (!w) return error(404, "no wizard definition");
    json::object o;
    o["version"] = w->version;
    o["definition"] = json::parse(w->json);
    o["updated_at"] = w->created_at;
    o["updated_by"] = w->created_by;
    return reply(200, o);
  }

  front_door_reply set_wizard() {
    auto b = body();
    if (!b || !b->contains("definition")) return error(400, "expected {\"definition\": {...}}");
    const json::value& def = b->at("definition");
    wizard::validation_context ctx;
    ctx.check_collector = [](const json::object& spec) { return collect::check_spec(spec); };
    ctx.queue_exists = [this](std::string_view name) {
      return name != "direct" && db_.find_queue(name).has_value();
    };
    std::vector<std::string> problems = wizard::validate_definition(def, ctx);
    std::string text = json::serialize(def);
    if (problems.empty() && text.size() > wizard::max_definition_bytes) {
      problems.push_back("definition: larger than 48 KiB");
    }
    if (!problems.empty()) {
      json::object o;
      o["error"] = "the wizard definition has " + std::to_string(problems.size()) +
                   (problems.size() == 1 ? " problem" : " problems");
      json::array list;
      for (auto& p : problems) list.push_back(json::string(p));
      o["problems"] = std::move(list);
      return reply(400, o);
    }
    auto v = db_.add_wizard(text, user_, unix_now());
    if (!v) return error(500, "the server cannot store this");
    log_line("wizard saved version=" + std::to_string(*v) + " user=" + log_quote(user_, 64));
    json::object o;
    o["version"] = *v;
    return reply(200, o);
  }

  shared_state& st_;
  store& db_;
  const front_door_call& call_;
  std::string user_;
  technician_role role_;
  support_request_record rec_;
};

}  // namespace

front_door_reply handle_front_door(shared_state& state, const front_door_call& call) {
  return handler(state, call).run();
}

}  // namespace visit::server
