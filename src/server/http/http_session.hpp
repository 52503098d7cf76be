// One TLS connection before any WebSocket upgrade: the TLS handshake, then HTTP/1.1 requests
// one at a time (keep-alive), each routed by route_request (deny by default). Serves the
// embedded console files and the JSON API of docs/protocol.md §8, and hands WebSocket upgrades
// that pass their checks (route, Origin, login cookie) to a customer_, viewer_ or
// console_connection (live/).
// Limits: header 8 KiB, body 64 KiB, 30 s for the TLS handshake and for each request.
// Threading: all work on the connection's strand; password checks run on the auth thread and
// post their result back.
#pragma once
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl/context.hpp>
#include <memory>

#include "server/http/connection_limiter.hpp"

namespace visit::server {

class shared_state;

// Starts serving an accepted socket (whose executor is its strand). `slot` counts it against
// the connection caps until the connection ends.
void start_http_session(boost::asio::ip::tcp::socket socket, boost::asio::ssl::context& tls,
                        std::shared_ptr<shared_state> state, connection_limiter::slot slot);

}  // namespace visit::server
