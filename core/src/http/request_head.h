// RequestHead: the request line and header section of one HTTP/1.1 request, parsed strictly
// (RFC 9112) from the bytes a connection received. Strictness is the defence against request
// smuggling: anything two parsers could read differently (duplicate or non-numeric
// Content-Length, Content-Length with Transfer-Encoding, obs-fold, bare CR or LF, a transfer
// coding other than chunked) is refused, never guessed at. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "cairn/status.h"

namespace cairn::http {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct RequestHead {
  std::string method;
  std::string target;  // origin-form: path and query exactly as sent
  int minor_version = 1;  // HTTP/1.<minor_version>
  HeaderList headers;  // names as sent; values with surrounding whitespace removed
  std::optional<uint64_t> content_length;
  bool chunked = false;  // Transfer-Encoding: chunked
  bool keep_alive = true;
  bool expect_continue = false;

  // The first value of header `name` (any case), or null.
  const std::string* Find(std::string_view name) const;
};

struct HeadLimits {
  size_t max_bytes = 64 << 10;  // request line and headers together
  size_t max_headers = 200;
};

// Where the head ends in `bytes`: the offset just past the blank line, or nullopt when it has
// not all arrived yet. Leading blank lines (allowed before a request line) are skipped.
std::optional<size_t> FindHeadEnd(std::string_view bytes);

// Parses a complete head (as delimited by FindHeadEnd). Errors are S3-coded: BadRequest (400)
// naming what is wrong, RequestHeaderSectionTooLarge (400), NotImplemented (501) for an
// unsupported transfer coding, HttpVersionNotSupported (505).
Result<RequestHead> ParseRequestHead(std::string_view bytes, const HeadLimits& limits);

bool EqualsIgnoreCase(std::string_view a, std::string_view b);

}  // namespace cairn::http
