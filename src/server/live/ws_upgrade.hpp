// What http_session hands to a WebSocket connection on upgrade: the TLS stream and the upgrade
// request, which has passed every check (route, Origin, cookie, join authorisation).
//
// The only live/ header that names Beast types. Include it only where the stream is built or
// used (http/http_session.cpp, live/ws_connection.cpp), so Beast's templates stay in those two
// translation units; everything else sees `struct ws_upgrade;`.
// Ownership: a ws_connection constructor moves the stream and the request out of it.
// Thread: built and handed over on http_session's strand (the stream's executor).
#pragma once
#include <boost/beast/core/tcp_stream.hpp>
#include <boost/beast/http/message.hpp>
#include <boost/beast/http/string_body.hpp>
#include <boost/beast/ssl/ssl_stream.hpp>

namespace visit::server {

struct ws_upgrade {
  boost::beast::ssl_stream<boost::beast::tcp_stream> stream;
  boost::beast::http::request<boost::beast::http::string_body> request;
};

}  // namespace visit::server
