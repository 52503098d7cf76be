// The state of a support request (docs/protocol.md §3.6, §8.2): waiting -> in_session ->
// resolved, or abandoned by a customer who left while waiting; resolved and abandoned are
// final (only a reopen makes them waiting again). Header only.
// The state travels as request_state; its word appears only at the edges: SQL
// (support_requests.state), the SUMMARY JSON, log lines.
#pragma once
#include <optional>
#include <string_view>

namespace visit::server {

enum class request_state { waiting, in_session, resolved, abandoned };

constexpr std::string_view to_string(request_state s) {
  switch (s) {
    case request_state::waiting:
      return "waiting";
    case request_state::in_session:
      return "in_session";
    case request_state::resolved:
      return "resolved";
    case request_state::abandoned:
      return "abandoned";
  }
  return "abandoned";
}

// The state named by `word` (exact); nullopt for anything else ("ended", the schema-1 word
// for abandoned, included: only store::set_request_state still takes it).
constexpr std::optional<request_state> parse_request_state(std::string_view word) {
  for (auto s : {request_state::waiting, request_state::in_session, request_state::resolved,
                 request_state::abandoned}) {
    if (to_string(s) == word) return s;
  }
  return std::nullopt;
}

// A state compared with a word: true when `word` is that state's word.
constexpr bool operator==(request_state s, std::string_view word) {
  return to_string(s) == word;
}

constexpr bool is_final(request_state s) {
  return s == request_state::resolved || s == request_state::abandoned;
}

}  // namespace visit::server
