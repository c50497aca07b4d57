#include "server/http_parser.h"

#include <gtest/gtest.h>

#include <string>

namespace elanus::server {
namespace {

const std::string kPost =
    "POST /v2/vectordb/collections/list?x=1 HTTP/1.1\r\nHost: a\r\nContent-Type: "
    "application/json\r\nContent-Length: 2\r\n\r\n{}";

TEST(HttpParserTest, ParsesACompleteRequest) {
  HttpRequest r;
  ParseOutcome o = ParseHttpRequest(kPost, {}, &r);
  ASSERT_EQ(o.state, ParseState::kComplete) << o.error;
  EXPECT_EQ(o.consumed, kPost.size());
  EXPECT_EQ(r.method, "POST");
  EXPECT_EQ(r.path, "/v2/vectordb/collections/list");
  EXPECT_EQ(r.target, "/v2/vectordb/collections/list?x=1");
  EXPECT_EQ(r.Header("content-type"), "application/json");
  EXPECT_EQ(r.body, "{}");
  EXPECT_TRUE(r.keep_alive);
}

TEST(HttpParserTest, EveryProperPrefixNeedsMore) {
  for (size_t n = 0; n < kPost.size(); ++n) {
    HttpRequest r;
    ParseOutcome o = ParseHttpRequest(std::string_view(kPost).substr(0, n), {}, &r);
    EXPECT_EQ(o.state, ParseState::kNeedMore) << "prefix of " << n << " bytes";
  }
}

TEST(HttpParserTest, PipelinedRequestsParseOneAfterAnother) {
  std::string get = "GET /a HTTP/1.1\r\n\r\n";
  std::string buf = kPost + get;
  HttpRequest r1, r2;
  ParseOutcome o1 = ParseHttpRequest(buf, {}, &r1);
  ASSERT_EQ(o1.state, ParseState::kComplete);
  EXPECT_EQ(o1.consumed, kPost.size());
  ParseOutcome o2 = ParseHttpRequest(std::string_view(buf).substr(o1.consumed), {}, &r2);
  ASSERT_EQ(o2.state, ParseState::kComplete);
  EXPECT_EQ(r2.method, "GET");
  EXPECT_EQ(r2.path, "/a");
  EXPECT_TRUE(r2.body.empty());
}

TEST(HttpParserTest, OversizedHeadersAre431EvenBeforeTheBlankLine) {
  HttpLimits limits;
  limits.max_header_bytes = 100;
  std::string big = "GET / HTTP/1.1\r\nX: " + std::string(200, 'a');
  HttpRequest r;
  ParseOutcome o = ParseHttpRequest(big, limits, &r);
  EXPECT_EQ(o.state, ParseState::kError);
  EXPECT_EQ(o.error_status, 431);
  o = ParseHttpRequest(big + "\r\n\r\n", limits, &r);
  EXPECT_EQ(o.error_status, 431);
}

TEST(HttpParserTest, OversizedBodyIs413FromTheHeaderAlone) {
  HttpLimits limits;
  limits.max_body_bytes = 10;
  HttpRequest r;
  ParseOutcome o = ParseHttpRequest("POST / HTTP/1.1\r\nContent-Length: 11\r\n\r\n", limits, &r);
  EXPECT_EQ(o.state, ParseState::kError);
  EXPECT_EQ(o.error_status, 413);
  EXPECT_NE(o.error.find("11 bytes"), std::string::npos) << o.error;
}

TEST(HttpParserTest, GarbageIs400) {
  const char* bad[] = {
      "\x16\x03\x01\x02\x01\xfc\x03\x03\r\n\r\n",  // TLS-hello-like bytes
      "GET\r\n\r\n",
      "GET / HTTP/1.1 extra\r\n\r\n",
      "GET relative HTTP/1.1\r\n\r\n",
      "GET / HTTP/1.1\r\nno colon\r\n\r\n",
      "GET / HTTP/1.1\r\nBad Name: x\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: -1\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 1x\r\n\r\n",
      "GET / HTTP/1.1\r\nContent-Length: 1\r\nContent-Length: 1\r\n\r\nx",
      "GET / HTTP/1.1\r\n folded\r\n\r\n",
  };
  for (const char* b : bad) {
    HttpRequest r;
    ParseOutcome o = ParseHttpRequest(b, {}, &r);
    EXPECT_EQ(o.state, ParseState::kError) << b;
    EXPECT_EQ(o.error_status, 400) << b;
    EXPECT_FALSE(o.error.empty());
  }
}

TEST(HttpParserTest, UnsupportedVersionAndChunkedBodies) {
  HttpRequest r;
  EXPECT_EQ(ParseHttpRequest("GET / HTTP/2.0\r\n\r\n", {}, &r).error_status, 505);
  ParseOutcome o = ParseHttpRequest(
      "POST / HTTP/1.1\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n", {}, &r);
  EXPECT_EQ(o.error_status, 501);
  EXPECT_NE(o.error.find("Content-Length"), std::string::npos);
}

TEST(HttpParserTest, KeepAliveFollowsVersionAndConnectionHeader) {
  HttpRequest r;
  ASSERT_EQ(ParseHttpRequest("GET / HTTP/1.0\r\n\r\n", {}, &r).state, ParseState::kComplete);
  EXPECT_FALSE(r.keep_alive);
  ASSERT_EQ(ParseHttpRequest("GET / HTTP/1.0\r\nConnection: Keep-Alive\r\n\r\n", {}, &r).state,
            ParseState::kComplete);
  EXPECT_TRUE(r.keep_alive);
  ASSERT_EQ(ParseHttpRequest("GET / HTTP/1.1\r\nConnection: foo, close\r\n\r\n", {}, &r).state,
            ParseState::kComplete);
  EXPECT_FALSE(r.keep_alive);
}

TEST(HttpParserTest, RepeatedHeadersAreJoined) {
  HttpRequest r;
  ASSERT_EQ(ParseHttpRequest("GET / HTTP/1.1\r\nX-A: 1\r\nx-a:  2 \r\n\r\n", {}, &r).state,
            ParseState::kComplete);
  EXPECT_EQ(r.Header("x-a"), "1, 2");
}

TEST(HttpParserTest, SerializesResponses) {
  HttpResponse resp;
  resp.status = 404;
  resp.body = "{\"code\":404}";
  std::string s = SerializeHttpResponse(resp, true);
  EXPECT_EQ(s.rfind("HTTP/1.1 404 Not Found\r\n", 0), 0u);
  EXPECT_NE(s.find("Content-Length: 12\r\n"), std::string::npos);
  EXPECT_NE(s.find("Connection: keep-alive\r\n"), std::string::npos);
  EXPECT_EQ(s.substr(s.size() - 12), resp.body);
  EXPECT_NE(SerializeHttpResponse(resp, false).find("Connection: close\r\n"), std::string::npos);
}

}  // namespace
}  // namespace elanus::server
