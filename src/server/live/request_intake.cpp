#include "server/live/request_intake.hpp"

#include <boost/json.hpp>
#include <cstdint>
#include <vector>

#include "server/auth/crypto_helpers.hpp"
#include "server/live/json_messages.hpp"
#include "server/store/store.hpp"
#include "wizard/wizard.hpp"

namespace visit::server {

namespace {

intake_refusal invalid(std::string message) {
  if (message.size() > 1000) message = message.substr(0, 1000) + "...";
  return {protocol::close_code::invalid_request, "invalid_request", std::move(message)};
}

// The topic is the answer to the definition's first choice question.
std::string topic_of(const boost::json::object& definition, const boost::json::object& answers) {
  for (const boost::json::object* q : wizard::questions(definition)) {
    auto* type = q->if_contains("type");
    auto* id = q->if_contains("id");
    if (type && id && id->is_string() && *type == "choice") {
      if (auto* a = answers.if_contains(id->as_string()); a && a->is_string()) {
        return std::string(a->as_string());
      }
      break;
    }
  }
  return {};
}

}  // namespace

intake_result file_support_request(store& db, std::string_view text, const intake_context& context,
                                   std::int64_t now) {
  // --- validate against the definition version the request names ---
  boost::system::error_code ec;
  boost::json::parse_options opt;
  opt.max_depth = 64;
  if (!protocol::is_valid_utf8(text)) return invalid("support_request: not valid UTF-8");
  boost::json::value v = boost::json::parse(text, ec, {}, opt);
  if (ec || !v.is_object()) return invalid("support_request: not a JSON object");
  const auto& o = v.as_object();
  auto* version = o.if_contains("wizard_version");
  std::optional<wizard_record> w;
  if (version && version->is_int64()) w = db.find_wizard(version->as_int64());
  if (version && version->is_uint64() && version->as_uint64() <= INT64_MAX) {
    w = db.find_wizard(static_cast<std::int64_t>(version->as_uint64()));
  }
  if (!w) return invalid("wizard_version: not a version this server has");
  boost::json::value def = boost::json::parse(w->json, ec);
  if (ec || !def.is_object()) return invalid("wizard_version: the stored definition is unreadable");
  auto problems = wizard::validate_support_request(def.as_object(), v);
  if (!problems.empty()) {
    std::string all;
    for (auto& p : problems) all += (all.empty() ? "" : "; ") + p;
    return invalid(all);
  }

  // --- what is stored, and where it goes ---
  const auto& answers = o.at("answers").as_object();
  new_request nr;
  nr.name = std::string(o.at("name").as_string());
  nr.summary = wizard::summary(def.as_object(), answers);
  nr.topic = topic_of(def.as_object(), answers);
  nr.answers_json = boost::json::serialize(answers);
  nr.collected_json = boost::json::serialize(o.at("collected"));
  nr.wizard_version = w->version;
  if (!context.paired_technician.empty()) {
    nr.queue = "direct";
    nr.technician = context.paired_technician;
    nr.via_code = true;
  } else {
    nr.queue = wizard::route(def.as_object(), answers);
    if (!db.find_queue(nr.queue)) nr.queue = "general";
  }

  // --- resume the request the credentials name, or store a new one ---
  filed_request filed;
  std::string token;
  if (!context.resume_id.empty() &&
      db.resume_matches(context.resume_id, sha256_hex(context.resume_token))) {
    auto old = db.find_request(context.resume_id);
    if (old && old->state != "resolved") {
      if (old->state == "abandoned") db.reopen_request(context.resume_id, now);
      filed.id = context.resume_id;
      filed.resumed = true;
      token = context.resume_token;
      nr.queue = old->queue;
      nr.technician = old->technician;
      nr.summary = old->summary;
      nr.name = old->name;
      db.add_event(filed.id, "customer", "resumed", now);
    }
  }
  if (!filed.resumed) {
    token = random_hex(16);
    nr.resume_token_hash = sha256_hex(token);
    auto id = db.create_request(nr, now);
    if (!id) {
      return intake_refusal{protocol::close_code::server_shutdown, "store_error",
                            "the server cannot store the request"};
    }
    filed.id = *id;
    db.add_event(filed.id, "customer",
                 nr.via_code ? "filed with a session code" : "filed in " + nr.queue, now);
  }
  filed.name = std::move(nr.name);
  filed.summary = std::move(nr.summary);
  filed.queue = std::move(nr.queue);
  filed.technician = std::move(nr.technician);
  filed.request_filed_json =
      request_filed_json(filed.id, filed.queue, filed.technician.value_or(""), token);
  return filed;
}

}  // namespace visit::server
