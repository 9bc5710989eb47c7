#include "http/request_head.h"

#include <gtest/gtest.h>

namespace cairn::http {
namespace {

Result<RequestHead> Parse(const std::string& text) { return ParseRequestHead(text, HeadLimits{}); }

std::string CodeOf(const std::string& text) {
  auto r = Parse(text);
  return r.ok() ? "ok" : r.status().s3_code();
}

TEST(RequestHead, ParsesAnOrdinaryRequest) {
  auto r = Parse("PUT /b/k?x=1 HTTP/1.1\r\nHost: h:9\r\nContent-Length: 12\r\n"
                 "X-Amz-Meta-A:  spaced value \t\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->method, "PUT");
  EXPECT_EQ(r->target, "/b/k?x=1");
  EXPECT_EQ(r->content_length, 12u);
  EXPECT_FALSE(r->chunked);
  EXPECT_TRUE(r->keep_alive);
  ASSERT_NE(r->Find("x-amz-meta-a"), nullptr);
  EXPECT_EQ(*r->Find("x-amz-meta-a"), "spaced value");
}

TEST(RequestHead, FindsTheEndOfAHead) {
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: h\r\n"), std::nullopt);
  EXPECT_EQ(FindHeadEnd("GET / HTTP/1.1\r\nHost: h\r\n\r\nbody"), 27u);
  EXPECT_EQ(FindHeadEnd("\r\n\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n"), 31u);
}

// Found by fuzzing (tests/fuzz/corpus/request_head/crash-empty-header-line): an empty line
// inside what the caller passed as one head was read at line[0].
TEST(RequestHead, EmptyLineInsideTheHeadIsRefused) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\n\r\nHost: h\r\n\r\n"), "BadRequest");
}

TEST(RequestHead, ContentLengthIsDigitsOnlyAndOnce) {
  for (const char* bad : {"abc", "0x10", "18446744073709551615", "-1", "+5", "1 2", "", "1,1",
                          "99999999999999999999"}) {
    SCOPED_TRACE(bad);
    EXPECT_EQ(CodeOf(std::string("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: ") + bad +
                     "\r\n\r\n"),
              "BadRequest");
  }
  EXPECT_EQ(CodeOf("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\nContent-Length: 5\r\n\r\n"),
            "BadRequest");
  EXPECT_EQ(CodeOf("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 5\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n"),
            "BadRequest");
  auto r = Parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 0009223372036854775807\r\n\r\n");
  EXPECT_EQ(CodeOf("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775808\r\n\r\n"),
            "BadRequest");
  EXPECT_EQ(Parse("PUT / HTTP/1.1\r\nHost: h\r\nContent-Length: 9223372036854775807\r\n\r\n")
                ->content_length,
            9223372036854775807u);
}

TEST(RequestHead, OnlyChunkedTransferEncoding) {
  auto r = Parse("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: Chunked\r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(r->chunked);
  EXPECT_EQ(CodeOf("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: gzip, chunked\r\n\r\n"),
            "NotImplemented");
  EXPECT_EQ(CodeOf("PUT / HTTP/1.1\r\nHost: h\r\nTransfer-Encoding: chunked\r\n"
                   "Transfer-Encoding: chunked\r\n\r\n"),
            "BadRequest");
  EXPECT_EQ(CodeOf("PUT / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n"), "BadRequest");
}

TEST(RequestHead, RefusesWhatParsersReadDifferently) {
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost: h\r\nX: 1\r\n folded\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost: h\nX: 1\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost: h\rX: 1\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost : h\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf(std::string("GET / HTTP/1.1\r\nHost: h\r\nX: a\0b\r\n\r\n", 36)), "BadRequest");
  EXPECT_EQ(CodeOf("GET  / HTTP/1.1\r\nHost: h\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET /a b HTTP/1.1\r\nHost: h\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\n\r\n"), "BadRequest");                       // no Host
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"), "BadRequest");  // two
  EXPECT_EQ(CodeOf("GET / HTTP/2.0\r\nHost: h\r\n\r\n"), "HttpVersionNotSupported");
  EXPECT_EQ(CodeOf("GET / HTTP/1.1\r\nHost: h\r\nExpect: 200-ok\r\n\r\n"), "ExpectationFailed");
  EXPECT_EQ(CodeOf("GET * HTTP/1.1\r\nHost: h\r\n\r\n"), "BadRequest");
}

TEST(RequestHead, Limits) {
  HeadLimits limits;
  limits.max_headers = 3;
  std::string head = "GET / HTTP/1.1\r\nHost: h\r\nA: 1\r\nB: 2\r\nC: 3\r\n\r\n";
  EXPECT_EQ(ParseRequestHead(head, limits).status().s3_code(), "RequestHeaderSectionTooLarge");
  limits.max_headers = 10;
  limits.max_bytes = 20;
  EXPECT_EQ(ParseRequestHead(head, limits).status().s3_code(), "RequestHeaderSectionTooLarge");
}

TEST(RequestHead, AbsoluteFormBecomesOriginFormAndItsAuthorityTheHost) {
  auto r = Parse("GET http://example:9000/b/k?list-type=2 HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->target, "/b/k?list-type=2");
  EXPECT_EQ(*r->Find("host"), "example:9000");
  r = Parse("GET HTTP://example?x HTTP/1.1\r\nHost: other\r\n\r\n");
  ASSERT_TRUE(r.ok());
  EXPECT_EQ(r->target, "/?x");
  EXPECT_EQ(CodeOf("GET ftp://example/ HTTP/1.1\r\nHost: h\r\n\r\n"), "BadRequest");
  EXPECT_EQ(CodeOf("GET http://user@example/ HTTP/1.1\r\nHost: h\r\n\r\n"), "BadRequest");
}

TEST(RequestHead, ConnectionAndExpect) {
  EXPECT_FALSE(Parse("GET / HTTP/1.1\r\nHost: h\r\nConnection: keep-alive, Close\r\n\r\n")
                   ->keep_alive);
  EXPECT_FALSE(Parse("GET / HTTP/1.0\r\n\r\n")->keep_alive);
  EXPECT_TRUE(Parse("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n")->keep_alive);
  EXPECT_TRUE(Parse("PUT / HTTP/1.1\r\nHost: h\r\nExpect: 100-Continue\r\n\r\n")->expect_continue);
}

}  // namespace
}  // namespace cairn::http
