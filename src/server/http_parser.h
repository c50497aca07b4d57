// HTTP/1.1 request parsing and response serialisation for the REST API (port_mux.h serves it).
//
// The parser is stateless over a connection's receive buffer: ParseHttpRequest looks at the bytes
// received so far and either needs more, or returns one complete request and how many bytes it
// used (so pipelined requests are parsed one after another from the same buffer), or fails with
// the HTTP status to answer (400 malformed, 411 missing length, 413 body too large, 431 headers too
// large, 501 unsupported transfer coding, 505 version). Bodies need Content-Length; chunked
// request bodies are refused with 501.
#pragma once

#include <cstddef>
#include <map>
#include <string>
#include <string_view>

namespace elanus::server {

struct HttpLimits {
  size_t max_header_bytes = 64 << 10;  // request line + headers + blank line
  size_t max_body_bytes = 64 << 20;    // Content-Length above this: 413
};

struct HttpRequest {
  std::string method;     // as sent ("POST")
  std::string target;     // request-target as sent ("/v2/vectordb/collections/list?x=1")
  std::string path;       // target without the query string
  int minor_version = 1;  // HTTP/1.<minor>
  std::map<std::string, std::string> headers;  // names lower-cased; repeated names joined by ", "
  std::string body;
  bool keep_alive = true;  // HTTP/1.1 default, or "Connection: keep-alive" on 1.0

  // Lower-case name; "" when absent.
  const std::string& Header(const std::string& lower_name) const;
};

struct HttpResponse {
  int status = 200;
  std::string content_type = "application/json";
  std::string body;
  bool close = false;  // send "Connection: close" and close after writing
};

enum class ParseState { kNeedMore, kComplete, kError };

struct ParseOutcome {
  ParseState state = ParseState::kNeedMore;
  size_t consumed = 0;   // kComplete: bytes of `buf` this request used
  int error_status = 0;  // kError: the HTTP status to answer
  std::string error;     // kError: what was wrong
};

// Parses the request at the front of `buf` into `*req` (on kComplete).
ParseOutcome ParseHttpRequest(std::string_view buf, const HttpLimits& limits, HttpRequest* req);

// "HTTP/1.1 <status> <reason>" + Content-Type, Content-Length, Connection headers + body.
std::string SerializeHttpResponse(const HttpResponse& response, bool keep_alive);

const char* HttpReasonPhrase(int status);

}  // namespace elanus::server
