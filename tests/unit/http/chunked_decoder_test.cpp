#include "http/chunked_decoder.h"

#include <gtest/gtest.h>

namespace cairn::http {
namespace {

struct Decoded {
  std::string code;  // "ok" or the S3 code
  std::string data;
  size_t consumed = 0;
  bool done = false;
};

// Feeds `body` in pieces of `piece` bytes, as a connection would deliver it.
Decoded Decode(const std::string& body, size_t piece = 1 << 20) {
  ChunkedDecoder d;
  Decoded out;
  for (size_t pos = 0; pos < body.size() && !d.done(); pos += piece) {
    auto used = d.Feed(std::string_view(body).substr(pos, piece), &out.data);
    if (!used.ok()) {
      out.code = used.status().s3_code();
      return out;
    }
    out.consumed += used.value();
  }
  out.code = "ok";
  out.done = d.done();
  return out;
}

TEST(ChunkedDecoder, DecodesWholeAndByteByByte) {
  const std::string body = "5\r\nhello\r\n000000006;ext=1\r\n world\r\n0\r\nX-Trailer: t\r\n\r\nNEXT";
  for (size_t piece : {size_t{1}, size_t{2}, size_t{7}, size_t{1000}}) {
    SCOPED_TRACE(piece);
    Decoded d = Decode(body, piece);
    EXPECT_EQ(d.code, "ok");
    EXPECT_EQ(d.data, "hello world");
    EXPECT_TRUE(d.done);
    EXPECT_EQ(d.consumed, body.size() - 4);  // "NEXT" belongs to the next request
  }
}

TEST(ChunkedDecoder, MalformedSizesAreErrorsNotTheEnd) {
  for (const char* size : {"zz", "-5", "11111111111111111111", "5 5", "", "0x5", " 5", "5\t;x",
                           "5;a\x01"}) {
    SCOPED_TRACE(size);
    Decoded d = Decode(std::string(size) + "\r\nhello\r\n0\r\n\r\n");
    if (std::string(size) == "5\t;x") {
      EXPECT_EQ(d.code, "ok");  // whitespace before an extension is allowed (BWS)
      continue;
    }
    EXPECT_EQ(d.code, "BadRequest");
  }
}

TEST(ChunkedDecoder, FramingAroundTheData) {
  EXPECT_EQ(Decode("5\r\nhelloXY\r\n0\r\n\r\n").code, "BadRequest");  // data longer than size
  EXPECT_EQ(Decode("5\nhello\r\n0\r\n\r\n").code, "BadRequest");      // bare LF
  EXPECT_EQ(Decode("5\r\nhello\r\n0\r\nno colon\r\n\r\n").code, "BadRequest");
  EXPECT_EQ(Decode("5\r\r\nhello\r\n0\r\n\r\n").code, "BadRequest");  // bare CR
  Decoded unfinished = Decode("5\r\nhello\r\n");
  EXPECT_EQ(unfinished.code, "ok");
  EXPECT_FALSE(unfinished.done);
  EXPECT_EQ(Decode(std::string(5000, '1')).code, "BadRequest");  // a size line without end
}

}  // namespace
}  // namespace cairn::http
