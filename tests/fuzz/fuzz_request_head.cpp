// Fuzz target: the strict HTTP/1.1 request-head parser (core/src/http/request_head.h).
//
// The input is what a connection received. It is fed as the server feeds it (FindHeadEnd, then
// ParseRequestHead on the head that delimits) and also whole to ParseRequestHead, with the
// default limits and with small ones. A head that parses must hold what the rest of the server
// relies on: never both Content-Length and chunked, an origin-form target, token names, values
// without CR, LF or NUL, exactly one Host for HTTP/1.1; and printing it back and parsing again
// gives the same head.
#include <cstdint>
#include <string>
#include <string_view>

#include "fuzz_util.h"
#include "http/request_head.h"

namespace {

using cairn::http::HeadLimits;
using cairn::http::RequestHead;

bool IsToken(std::string_view s) {
  if (s.empty()) return false;
  for (unsigned char c : s) {
    bool ok =
        (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
        std::string_view("!#$%&'*+-.^_`|~").find(static_cast<char>(c)) != std::string_view::npos;
    if (!ok) return false;
  }
  return true;
}

int CountHeaders(const RequestHead& head, std::string_view name) {
  int n = 0;
  for (const auto& [k, v] : head.headers) n += cairn::http::EqualsIgnoreCase(k, name) ? 1 : 0;
  return n;
}

void CheckHead(const RequestHead& head, const HeadLimits& limits) {
  FUZZ_CHECK(!(head.content_length.has_value() && head.chunked));
  FUZZ_CHECK(IsToken(head.method));
  FUZZ_CHECK(!head.target.empty() && head.target[0] == '/');
  for (unsigned char c : head.target) FUZZ_CHECK(c > 0x20 && c < 0x7f);
  // HTTP/1.2 and up are served as 1.1 (RFC 9110 2.5: the highest minor version implemented).
  FUZZ_CHECK(head.minor_version >= 0 && head.minor_version <= 9);
  // An absolute-form target of an HTTP/1.0 request without Host adds one.
  FUZZ_CHECK(head.headers.size() <= limits.max_headers + 1);
  for (const auto& [name, value] : head.headers) {
    FUZZ_CHECK(IsToken(name));
    FUZZ_CHECK(value.find_first_of(std::string_view("\r\n\0", 3)) == std::string::npos);
    if (!value.empty()) {
      FUZZ_CHECK(value.front() != ' ' && value.front() != '\t');
      FUZZ_CHECK(value.back() != ' ' && value.back() != '\t');
    }
  }
  FUZZ_CHECK(CountHeaders(head, "content-length") == (head.content_length ? 1 : 0));
  FUZZ_CHECK(CountHeaders(head, "transfer-encoding") == (head.chunked ? 1 : 0));
  FUZZ_CHECK(CountHeaders(head, "host") <= 1);
  if (head.minor_version >= 1) FUZZ_CHECK(CountHeaders(head, "host") == 1);
  if (head.chunked) FUZZ_CHECK(head.minor_version >= 1);
  if (head.content_length) FUZZ_CHECK(*head.content_length <= uint64_t{INT64_MAX});
  if (head.expect_continue) FUZZ_CHECK(head.minor_version >= 1);
}

// The head as a well-behaved client would send it.
std::string Print(const RequestHead& head) {
  std::string out =
      head.method + " " + head.target + " HTTP/1." + std::to_string(head.minor_version) + "\r\n";
  for (const auto& [name, value] : head.headers) out += name + ": " + value + "\r\n";
  return out + "\r\n";
}

void ParseAndCheck(std::string_view bytes) {
  const HeadLimits defaults;
  const HeadLimits small{256, 4};
  auto head = cairn::http::ParseRequestHead(bytes, defaults);
  auto limited = cairn::http::ParseRequestHead(bytes, small);
  // Smaller limits only ever refuse more.
  if (limited.ok()) FUZZ_CHECK(head.ok());
  if (!head.ok()) {
    FUZZ_CHECK(!head.status().s3_code().empty());
    return;
  }
  CheckHead(head.value(), defaults);
  if (limited.ok()) FUZZ_CHECK(Print(limited.value()) == Print(head.value()));

  std::string printed = Print(head.value());
  FUZZ_CHECK(cairn::http::FindHeadEnd(printed) == printed.size());
  auto again = cairn::http::ParseRequestHead(printed, HeadLimits{printed.size(), 1u << 20});
  FUZZ_CHECK(again.ok());
  const RequestHead& a = head.value();
  const RequestHead& b = again.value();
  FUZZ_CHECK(a.method == b.method && a.target == b.target && a.minor_version == b.minor_version);
  FUZZ_CHECK(a.headers == b.headers);
  FUZZ_CHECK(a.content_length == b.content_length && a.chunked == b.chunked);
  FUZZ_CHECK(a.keep_alive == b.keep_alive && a.expect_continue == b.expect_continue);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::optional<size_t> end = cairn::http::FindHeadEnd(bytes);
  if (end) {
    FUZZ_CHECK(*end >= 4 && *end <= size);
    FUZZ_CHECK(bytes.substr(*end - 4, 4) == "\r\n\r\n");
    // Bytes arrive in pieces: the end found in what arrived first must be the final one.
    FUZZ_CHECK(cairn::http::FindHeadEnd(bytes.substr(0, *end)) == end);
    FUZZ_CHECK(!cairn::http::FindHeadEnd(bytes.substr(0, *end - 1)));
    ParseAndCheck(bytes.substr(0, *end));
  }
  // Callers other than the connection (and future ones) may hand it anything.
  ParseAndCheck(bytes);
  return 0;
}
