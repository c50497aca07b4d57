#include "server/http_parser.h"

#include <algorithm>
#include <cctype>
#include <charconv>

namespace elanus::server {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool IsTokenChar(char c) {
  if (std::isalnum(static_cast<unsigned char>(c))) return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

ParseOutcome Fail(int status, std::string why) {
  ParseOutcome o;
  o.state = ParseState::kError;
  o.error_status = status;
  o.error = std::move(why);
  return o;
}

bool HasToken(const std::string& header_value, std::string_view token) {
  std::string v = Lower(header_value);
  size_t pos = 0;
  while (pos <= v.size()) {
    size_t comma = v.find(',', pos);
    if (comma == std::string::npos) comma = v.size();
    if (Trim(std::string_view(v).substr(pos, comma - pos)) == token) return true;
    pos = comma + 1;
  }
  return false;
}

}  // namespace

const std::string& HttpRequest::Header(const std::string& lower_name) const {
  static const std::string kEmpty;
  auto it = headers.find(lower_name);
  return it == headers.end() ? kEmpty : it->second;
}

ParseOutcome ParseHttpRequest(std::string_view buf, const HttpLimits& limits, HttpRequest* req) {
  // Tolerate empty lines before a request (RFC 9112 §2.2).
  size_t start = 0;
  while (start + 1 < buf.size() && buf[start] == '\r' && buf[start + 1] == '\n') start += 2;
  size_t end = buf.find("\r\n\r\n", start);
  if (end == std::string_view::npos) {
    if (buf.size() - start > limits.max_header_bytes) {
      return Fail(431,
                  "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
    }
    return {};
  }
  if (end + 4 - start > limits.max_header_bytes) {
    return Fail(431,
                "request headers exceed " + std::to_string(limits.max_header_bytes) + " bytes");
  }
  std::string_view head = buf.substr(start, end - start);
  size_t line_end = head.find("\r\n");
  std::string_view request_line = head.substr(0, line_end);
  HttpRequest r;
  // request-line = method SP request-target SP HTTP-version
  size_t sp1 = request_line.find(' ');
  size_t sp2 = sp1 == std::string_view::npos ? sp1 : request_line.find(' ', sp1 + 1);
  if (sp1 == std::string_view::npos || sp2 == std::string_view::npos || sp1 == 0 ||
      sp2 == sp1 + 1 || request_line.find(' ', sp2 + 1) != std::string_view::npos) {
    return Fail(400, "malformed request line");
  }
  r.method = std::string(request_line.substr(0, sp1));
  if (!std::all_of(r.method.begin(), r.method.end(), IsTokenChar)) {
    return Fail(400, "malformed request method");
  }
  r.target = std::string(request_line.substr(sp1 + 1, sp2 - sp1 - 1));
  std::string_view version = request_line.substr(sp2 + 1);
  if (version.size() != 8 || version.substr(0, 7) != "HTTP/1." || !std::isdigit(version[7])) {
    if (version.substr(0, 5) == "HTTP/") return Fail(505, "only HTTP/1.x is supported");
    return Fail(400, "malformed HTTP version");
  }
  r.minor_version = version[7] - '0';
  if (r.target.empty() || (r.target[0] != '/' && r.target != "*")) {
    return Fail(400, "request target must be an absolute path");
  }
  for (char c : r.target) {
    if (static_cast<unsigned char>(c) <= 0x20 || c == 0x7f) {
      return Fail(400, "request target has a control character");
    }
  }
  r.path = r.target.substr(0, r.target.find('?'));

  std::string_view rest =
      line_end == std::string_view::npos ? std::string_view() : head.substr(line_end + 2);
  while (!rest.empty()) {
    size_t eol = rest.find("\r\n");
    std::string_view line = rest.substr(0, eol);
    rest = eol == std::string_view::npos ? std::string_view() : rest.substr(eol + 2);
    if (line.empty()) continue;
    if (line[0] == ' ' || line[0] == '\t') return Fail(400, "obsolete header line folding");
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Fail(400, "malformed header line (no name)");
    }
    std::string_view name = line.substr(0, colon);
    if (!std::all_of(name.begin(), name.end(), IsTokenChar)) {
      return Fail(400, "malformed header name '" + std::string(name) + "'");
    }
    std::string_view value = Trim(line.substr(colon + 1));
    for (char c : value) {
      if ((static_cast<unsigned char>(c) < 0x20 && c != '\t') || c == 0x7f) {
        return Fail(400, "header '" + std::string(name) + "' has a control character");
      }
    }
    std::string key = Lower(name);
    auto [it, inserted] = r.headers.emplace(key, std::string(value));
    if (!inserted) {
      if (key == "content-length") return Fail(400, "repeated Content-Length header");
      it->second += ", ";
      it->second += value;
    }
  }

  const std::string& connection = r.Header("connection");
  if (r.minor_version == 0) {
    r.keep_alive = HasToken(connection, "keep-alive");
  } else {
    r.keep_alive = !HasToken(connection, "close");
  }
  if (!r.Header("transfer-encoding").empty()) {
    return Fail(501, "Transfer-Encoding '" + r.Header("transfer-encoding") +
                         "' is not supported; send a Content-Length body");
  }
  size_t body_len = 0;
  const std::string& cl = r.Header("content-length");
  if (!cl.empty()) {
    uint64_t n = 0;
    auto [ptr, ec] = std::from_chars(cl.data(), cl.data() + cl.size(), n);
    if (ec != std::errc() || ptr != cl.data() + cl.size()) {
      return Fail(400, "invalid Content-Length '" + cl + "'");
    }
    if (n > limits.max_body_bytes) {
      return Fail(413, "request body of " + std::to_string(n) + " bytes exceeds the limit of " +
                           std::to_string(limits.max_body_bytes) + " bytes");
    }
    body_len = static_cast<size_t>(n);
  }
  size_t body_start = end + 4;
  if (buf.size() - body_start < body_len) return {};
  r.body = std::string(buf.substr(body_start, body_len));
  *req = std::move(r);
  ParseOutcome o;
  o.state = ParseState::kComplete;
  o.consumed = body_start + body_len;
  return o;
}

const char* HttpReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Content Too Large";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    case 505:
      return "HTTP Version Not Supported";
    default:
      return "Unknown";
  }
}

std::string SerializeHttpResponse(const HttpResponse& response, bool keep_alive) {
  std::string out = "HTTP/1.1 " + std::to_string(response.status) + " " +
                    HttpReasonPhrase(response.status) + "\r\n";
  out += "Content-Type: " + response.content_type + "\r\n";
  out += "Content-Length: " + std::to_string(response.body.size()) + "\r\n";
  out += keep_alive && !response.close ? "Connection: keep-alive\r\n" : "Connection: close\r\n";
  out += "\r\n";
  out += response.body;
  return out;
}

}  // namespace elanus::server
