// Internal to visit_protocol: allocation-free validation of a JSON payload.
#pragma once
#include <string_view>

namespace visit::protocol::detail {

// True when `text` is one JSON object (RFC 8259, strict: no comments, no trailing commas,
// valid UTF-8, nesting <= 32) with nothing after it but whitespace. Allocates nothing.
bool is_json_object(std::string_view text);

}  // namespace visit::protocol::detail
