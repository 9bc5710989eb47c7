// ChunkedDecoder: the HTTP/1.1 chunked transfer coding (RFC 9112 7.1), decoded incrementally
// and strictly. A chunk size is hex digits only (leading zeros allowed, at most 2^62), then
// optional extensions, then CR LF; the data is followed by CR LF; the last chunk is followed by
// trailer lines and a blank line. Anything else is an error, never a silent end of the body:
// a body that ended early and left the rest to be read as the next request is how requests are
// smuggled. This layer knows nothing of aws-chunked, which rides inside the decoded bytes.
// Not thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::http {

class ChunkedDecoder {
 public:
  // Decodes from `in`, appending data to `out`; returns how many bytes of `in` it consumed,
  // which is all of them unless the body ended inside `in` (the rest belongs to the next
  // request). BadRequest on malformed framing.
  Result<size_t> Feed(std::string_view in, std::string* out);
  // True once the last chunk and the trailer section have been read.
  bool done() const { return state_ == State::kDone; }

 private:
  enum class State { kSize, kData, kDataEnd, kTrailer, kDone };
  Status ParseSizeLine(std::string_view line);

  State state_ = State::kSize;
  std::string line_;  // the line being gathered (size line or trailer line), without CR LF
  uint64_t remaining_ = 0;  // data bytes left in the current chunk
  size_t trailer_bytes_ = 0;
};

}  // namespace cairn::http
