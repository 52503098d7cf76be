// Short, stable names for log lines ("error=bad_tile"), distinct from the protocol library's
// human-readable texts.
#pragma once
#include <string_view>

#include "protocol/message.hpp"

namespace visit::server {

std::string_view parse_error_name(protocol::parse_error e);
std::string_view message_type_name(protocol::message_type t);

}  // namespace visit::server
