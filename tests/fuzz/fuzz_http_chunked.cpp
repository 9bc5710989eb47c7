// Fuzz target: the HTTP/1.1 chunked-transfer decoder (core/src/http/chunked_decoder.h).
//
// The first input byte picks a split point; the rest is the body as it follows a head. The
// body is decoded three ways: in one Feed, in two Feeds split at that point, and (when short)
// one byte at a time, as a slow client would send it. All must agree on the outcome, the
// decoded data and how many bytes belong to the body: a decoder whose answer depends on how
// the bytes were cut into reads is how requests get smuggled.
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "fuzz_util.h"
#include "http/chunked_decoder.h"

namespace {

struct Outcome {
  std::string code = "ok";  // or the S3 code of the error
  std::string data;
  size_t consumed = 0;
  bool done = false;
};

// Feeds `body` in the given pieces (the last one runs to the end), as HttpRequest does: stop at
// the first error, or once the body is done (the rest is the next request's).
Outcome Decode(std::string_view body, const std::vector<size_t>& cuts) {
  cairn::http::ChunkedDecoder decoder;
  Outcome out;
  size_t pos = 0;
  for (size_t i = 0; i <= cuts.size() && pos <= body.size() && !decoder.done(); ++i) {
    size_t end = i < cuts.size() ? cuts[i] : body.size();
    if (end < pos) continue;
    std::string_view piece = body.substr(pos, end - pos);
    size_t before = out.data.size();
    auto used = decoder.Feed(piece, &out.data);
    if (!used.ok()) {
      FUZZ_CHECK(used.status().s3_code() == "BadRequest");
      out.code = used.status().s3_code();
      return out;
    }
    FUZZ_CHECK(used.value() <= piece.size());
    // All of a piece is used unless the body ended inside it.
    if (!decoder.done()) FUZZ_CHECK(used.value() == piece.size());
    FUZZ_CHECK(out.data.size() - before <= used.value());
    out.consumed += used.value();
    pos = end;
  }
  out.done = decoder.done();
  if (out.done) {
    // Once done, the decoder takes nothing more: the next request starts here.
    auto more = decoder.Feed("0\r\n\r\n", &out.data);
    FUZZ_CHECK(more.ok() && more.value() == 0);
  }
  return out;
}

void CheckSame(const Outcome& a, const Outcome& b) {
  FUZZ_CHECK(a.code == b.code);
  FUZZ_CHECK(a.data == b.data);
  if (a.code == "ok") {
    FUZZ_CHECK(a.done == b.done);
    FUZZ_CHECK(a.consumed == b.consumed);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::FuzzInput in(data, size);
  uint8_t split = in.Byte();
  std::string_view body = in.Rest();

  Outcome whole = Decode(body, {});
  FUZZ_CHECK(whole.data.size() <= body.size());
  if (whole.code == "ok")
    FUZZ_CHECK(whole.done ? whole.consumed <= body.size() : whole.consumed == body.size());
  CheckSame(whole, Decode(body, {cairn::fuzz::SplitPoint(split, body.size())}));
  if (body.size() <= 512) {
    std::vector<size_t> cuts;
    for (size_t i = 1; i < body.size(); ++i) cuts.push_back(i);
    CheckSame(whole, Decode(body, cuts));
  }
  return 0;
}
