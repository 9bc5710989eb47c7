// aws-chunked bodies: the S3 documentation examples ("Transferring Payload in Multiple Chunks",
// with and without trailing headers), arbitrary splits, tampering, framing errors and trailing
// checksums.
#include <gtest/gtest.h>

#include <random>

#include "body_decoder_factory.h"
#include "canonical_request.h"
#include "chunked_decoder.h"
#include "sigv4_authenticator.h"
#include "test_util.h"

namespace cairn::sigv4 {
namespace {

using test::Code;

constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";
constexpr char kChunk1[] = "ad80c730a21e5b8d04586a2213dd63b9a0e99e0e2307b0ade35a65485a288648";
constexpr char kChunk2[] = "0055627c9e194cb4542bae2aa5492e3c1575bbb81b612b7d234b86a503ef5497";
constexpr char kFinal[] = "b6c6ea8a5354eaf15b3cb7646744f4275b71ea724fed81ceb9323e279d449df9";
constexpr char kTrailerSeed[] = "106e2a8a18243abcf37539882f36619c00e2dfc72633413f02d3b74544bfeb8e";
constexpr char kTrailerChunk1[] =
    "b474d8862b1487a5145d686f57f013e54db672cee1c953b3010fb58501ef5aa2";
constexpr char kTrailerChunk2[] =
    "1c1344b170168f8e65b41376b44b20fe354e373826ccbbe2c1d40a8cae51e5c7";
constexpr char kTrailerFinal[] = "2ca2aba2005185cf7159c6277faf83795951dd77a3a99e6e65d5c9f85863f992";
constexpr char kTrailerSignature[] =
    "d81f82fc3505edab99d459891051a732e8730629a2e4a59689829ca17fe2e435";

// The documented body: 65536 and 1024 bytes of 'a', then the final chunk (and the trailer).
std::string DocBody(bool trailer) {
  std::string body = std::string("10000;chunk-signature=") + (trailer ? kTrailerChunk1 : kChunk1) +
                     "\r\n" + std::string(65536, 'a') +
                     "\r\n400;chunk-signature=" + (trailer ? kTrailerChunk2 : kChunk2) + "\r\n" +
                     std::string(1024, 'a') +
                     "\r\n0;chunk-signature=" + (trailer ? kTrailerFinal : kFinal) + "\r\n";
  if (trailer) {
    body += std::string("x-amz-checksum-crc32c:sOO8/Q==\r\nx-amz-trailer-signature:") +
            kTrailerSignature + "\r\n";
  }
  return body + "\r\n";
}

HttpRequestView DocRequest(bool trailer) {
  HeaderList h = {{"Host", "s3.amazonaws.com"},
                  {"x-amz-date", test::kDocDate},
                  {"x-amz-storage-class", "REDUCED_REDUNDANCY"},
                  {"Content-Encoding", "aws-chunked"},
                  {"x-amz-decoded-content-length", "66560"},
                  {"Content-Length", std::to_string(DocBody(trailer).size())}};
  std::string scope = "Credential=AKIAIOSFODNN7EXAMPLE/20130524/us-east-1/s3/aws4_request";
  if (trailer) {
    h.emplace_back("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER");
    h.emplace_back("x-amz-trailer", "x-amz-checksum-crc32c");
    h.emplace_back("Authorization",
                   "AWS4-HMAC-SHA256 " + scope +
                       ",SignedHeaders=content-encoding;host;x-amz-content-sha256;x-amz-date;"
                       "x-amz-decoded-content-length;x-amz-storage-class;x-amz-trailer,"
                       "Signature=" +
                       kTrailerSeed);
  } else {
    h.emplace_back("x-amz-content-sha256", "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
    h.emplace_back("Authorization",
                   "AWS4-HMAC-SHA256 " + scope +
                       ",SignedHeaders=content-encoding;content-length;host;x-amz-content-sha256;"
                       "x-amz-date;x-amz-decoded-content-length;x-amz-storage-class,"
                       "Signature=" +
                       kSeed);
  }
  return test::MakeRequest("PUT", "/examplebucket/chunkObject.txt", std::move(h));
}

std::unique_ptr<BodyDecoder> DocDecoder(bool trailer) {
  SigV4Authenticator auth(SigV4Settings{}, test::DocLookup());
  auto result = auth.Authenticate(DocRequest(trailer));
  EXPECT_TRUE(result.ok()) << result.status().ToString();
  if (!result.ok()) return nullptr;
  EXPECT_NE(result.value().body, nullptr);
  return std::move(result.value().body);
}

ChunkSigning DocSigning(const std::string& seed = kSeed) {
  CredentialScope scope{"20130524", "us-east-1", "s3"};
  return ChunkSigning{DeriveSigningKey(test::kDocSecret, scope), test::kDocDate, scope.ToString(),
                      seed};
}

TEST(AwsChunked, DocumentedBodyHasTheDocumentedLength) { EXPECT_EQ(DocBody(false).size(), 66824u); }

TEST(AwsChunked, DocumentedExampleDecodes) {
  for (bool trailer : {false, true}) {
    SCOPED_TRACE(trailer);
    auto decoder = DocDecoder(trailer);
    ASSERT_NE(decoder, nullptr);
    std::string out;
    Status st = test::FeedAll(decoder.get(), DocBody(trailer), {}, &out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    EXPECT_EQ(out, std::string(66560, 'a'));
  }
}

TEST(AwsChunked, OneByteAtATime) {
  for (bool trailer : {false, true}) {
    auto decoder = DocDecoder(trailer);
    ASSERT_NE(decoder, nullptr);
    std::string out;
    EXPECT_TRUE(test::FeedAll(decoder.get(), DocBody(trailer), {1}, &out).ok());
    EXPECT_EQ(out, std::string(66560, 'a'));
  }
}

TEST(AwsChunked, RandomSplits) {
  std::mt19937 rng(20130524);
  for (int round = 0; round < 40; ++round) {
    bool trailer = round % 2 == 1;
    std::vector<size_t> pieces;
    std::uniform_int_distribution<size_t> size(1, round < 20 ? 7 : 9000);
    for (int i = 0; i < 64; ++i) pieces.push_back(size(rng));
    auto decoder = DocDecoder(trailer);
    ASSERT_NE(decoder, nullptr);
    std::string out;
    Status st = test::FeedAll(decoder.get(), DocBody(trailer), pieces, &out);
    ASSERT_TRUE(st.ok()) << "round " << round << ": " << st.ToString();
    ASSERT_EQ(out.size(), 66560u);
  }
}

TEST(AwsChunked, DataStreamsOutBeforeTheChunkEnds) {
  auto decoder = DocDecoder(false);
  ASSERT_NE(decoder, nullptr);
  std::string body = DocBody(false);
  size_t header = body.find("\r\n") + 2;
  std::string out;
  ASSERT_TRUE(
      decoder->Feed(reinterpret_cast<const uint8_t*>(body.data()), header + 100, &out).ok());
  EXPECT_EQ(out.size(), 100u);
}

TEST(AwsChunked, TamperedChunkFailsAtItsEnd) {
  auto decoder = DocDecoder(false);
  ASSERT_NE(decoder, nullptr);
  std::string body = DocBody(false);
  body[body.size() - 200] = 'b';  // inside the second chunk
  std::string out;
  Status st = test::FeedAll(decoder.get(), body, {4096}, &out);
  EXPECT_EQ(Code(st), "SignatureDoesNotMatch");
  EXPECT_EQ(out.size(), 66560u);  // streamed, but the host never commits it
  EXPECT_EQ(Code(decoder->Finish()), "SignatureDoesNotMatch");  // failures stick
}

TEST(AwsChunked, WrongFinalSignature) {
  auto decoder = DocDecoder(false);
  std::string body = DocBody(false);
  body.replace(body.find(kFinal), 64, std::string(64, '0'));
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(decoder.get(), body, {}, &out)), "SignatureDoesNotMatch");
}

TEST(AwsChunked, ChunksCannotBeReordered) {
  ChunkSigning signing = DocSigning();
  std::string one = test::FrameChunks({"first"}, &signing, false);
  std::string two = test::FrameChunks({"second"}, &signing, false);
  // The second body's first chunk is signed from the seed, not from "first".
  std::string spliced = one.substr(0, one.find("0;")) + two;
  ChunkedOptions options;
  options.signing = DocSigning();
  AwsChunkedDecoder decoder(options);
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(&decoder, spliced, {}, &out)), "SignatureDoesNotMatch");
}

TEST(AwsChunked, MissingFinalChunk) {
  std::string body = DocBody(false);
  for (size_t cut : {body.find("0;chunk-signature"), body.size() - 2, size_t{60000}, size_t{10}}) {
    SCOPED_TRACE(cut);
    auto decoder = DocDecoder(false);
    std::string out;
    EXPECT_EQ(Code(test::FeedAll(decoder.get(), body.substr(0, cut), {}, &out)), "IncompleteBody");
  }
}

TEST(AwsChunked, DecodedLengthMustMatch) {
  HttpRequestView r = DocRequest(false);
  for (auto& [n, v] : r.headers) {
    if (n == "x-amz-decoded-content-length") v = "66561";
  }
  // The length header is signed: re-sign the request with the test signer.
  std::erase_if(r.headers, [](const auto& h) { return h.first == "Authorization"; });
  std::string seed = test::SignRequest(
      &r,
      "content-encoding;host;x-amz-content-sha256;x-amz-date;x-amz-decoded-content-length;"
      "x-amz-storage-class",
      "STREAMING-AWS4-HMAC-SHA256-PAYLOAD");
  SigV4Authenticator auth(SigV4Settings{}, test::DocLookup());
  auto result = auth.Authenticate(r);
  ASSERT_TRUE(result.ok()) << result.status().ToString();
  ChunkSigning signing = DocSigning(seed);
  std::string body = test::FrameChunks({std::string(66560, 'a')}, &signing, false);
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(result.value().body.get(), body, {}, &out)), "IncompleteBody");
}

TEST(AwsChunked, BadFraming) {
  ChunkSigning signing = DocSigning();
  std::string good = test::FrameChunks({"hello"}, &signing, false);
  std::string sig64(64, '0');
  for (const std::string& body : {
           std::string("zz;chunk-signature=") + sig64 + "\r\n",    // size not hex
           std::string("5;chunk-signature=") + sig64 + "\nhello",  // bare LF
           std::string("5\r\nhello\r\n"),                          // unsigned in signed mode
           good.substr(0, good.find("hello") + 5) + "XX\r\n",      // data longer than size
           good + "extra",                                         // data after the end
           std::string(5000, '1'),                                 // endless header line
       }) {
    ChunkedOptions options;
    options.signing = DocSigning();
    AwsChunkedDecoder decoder(options);
    std::string out;
    Status st = test::FeedAll(&decoder, body, {}, &out);
    EXPECT_TRUE(Code(st) == "InvalidRequest" || Code(st) == "SignatureDoesNotMatch")
        << st.ToString();
  }
}

struct ChecksumCase {
  const char* header;
  const char* good;  // of "123456789"
};
constexpr ChecksumCase kChecksums[] = {
    {"x-amz-checksum-crc32", "y/Q5Jg=="},
    {"x-amz-checksum-crc32c", "4waSgw=="},
    {"x-amz-checksum-sha1", "98O8HYCOBHMq32eZZczDTKeuNEE="},
    {"x-amz-checksum-sha256", "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU="},
};

TEST(AwsChunked, TrailerChecksumsUnsignedAndSigned) {
  for (const ChecksumCase& c : kChecksums) {
    for (bool is_signed : {false, true}) {
      for (bool good : {true, false}) {
        SCOPED_TRACE(std::string(c.header) + (is_signed ? " signed" : " unsigned") +
                     (good ? " good" : " bad"));
        ChunkSigning signing = DocSigning();
        std::string value = good ? c.good : std::string(c.good).replace(0, 4, "AAAA");
        std::string body = test::FrameChunks({"1234", "56789"}, is_signed ? &signing : nullptr,
                                             true, {{c.header, value}});
        ChunkedOptions options;
        if (is_signed) options.signing = DocSigning();
        options.trailer = true;
        options.trailer_checksum = ChecksumFromHeader(c.header);
        options.decoded_length = 9;
        AwsChunkedDecoder decoder(options);
        std::string out;
        Status st = test::FeedAll(&decoder, body, {3}, &out);
        EXPECT_EQ(out, "123456789");
        if (good) {
          EXPECT_TRUE(st.ok()) << st.ToString();
        } else {
          EXPECT_EQ(Code(st), "BadDigest");
          EXPECT_EQ(st.message(), std::string("The ") + c.header +
                                      " you specified did not match the calculated checksum.");
        }
      }
    }
  }
}

TEST(AwsChunked, SignedTrailerCannotBeAltered) {
  auto decoder = DocDecoder(true);
  std::string body = DocBody(true);
  body.replace(body.find("sOO8/Q=="), 8, "AAAAAA==");
  std::string out;
  EXPECT_EQ(Code(test::FeedAll(decoder.get(), body, {}, &out)), "SignatureDoesNotMatch");
}

TEST(AwsChunked, TrailerMustBeDeclaredAndPresent) {
  ChunkedOptions undeclared;
  undeclared.trailer = true;
  AwsChunkedDecoder a(undeclared);
  std::string out;
  EXPECT_EQ(
      Code(test::FeedAll(&a, "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n\r\n", {}, &out)),
      "InvalidRequest");
  ChunkedOptions declared;
  declared.trailer = true;
  declared.trailer_checksum = ChecksumAlgorithm::kCrc32;
  AwsChunkedDecoder b(declared);
  EXPECT_EQ(Code(test::FeedAll(&b, "3\r\nabc\r\n0\r\n\r\n", {}, &out)), "InvalidRequest");
  ChunkedOptions missing_end = declared;
  AwsChunkedDecoder c(missing_end);
  EXPECT_EQ(Code(test::FeedAll(&c, "3\r\nabc\r\n0\r\nx-amz-checksum-crc32:NSRBwg==\r\n", {}, &out)),
            "IncompleteBody");
}

// What the AWS SDK for JavaScript v3 sends by default.
TEST(AwsChunked, UnsignedPayloadTrailerThroughTheAuthenticator) {
  HttpRequestView r =
      test::MakeRequest("PUT", "/bucket/key",
                        {{"Host", "localhost:9000"},
                         {"x-amz-date", test::kDocDate},
                         {"x-amz-content-sha256", "STREAMING-UNSIGNED-PAYLOAD-TRAILER"},
                         {"Content-Encoding", "aws-chunked"},
                         {"x-amz-decoded-content-length", "3"},
                         {"x-amz-trailer", "x-amz-checksum-crc32"},
                         {"Transfer-Encoding", "chunked"}});
  test::SignRequest(&r,
                    "content-encoding;host;x-amz-content-sha256;x-amz-date;"
                    "x-amz-decoded-content-length;x-amz-trailer",
                    "STREAMING-UNSIGNED-PAYLOAD-TRAILER");
  SigV4Authenticator auth(SigV4Settings{}, test::DocLookup());
  for (const char* crc : {"NSRBwg==", "NSRBww=="}) {
    auto result = auth.Authenticate(r);
    ASSERT_TRUE(result.ok()) << result.status().ToString();
    std::string out;
    Status st = test::FeedAll(
        result.value().body.get(),
        std::string("3\r\nabc\r\n0\r\nx-amz-checksum-crc32:") + crc + "\r\n\r\n", {2}, &out);
    EXPECT_EQ(out, "abc");
    EXPECT_EQ(Code(st), crc == std::string("NSRBwg==") ? "OK" : "BadDigest");
  }
}

TEST(AwsChunked, HeaderChecksumWithChunkedBody) {
  ChunkSigning signing = DocSigning();
  for (bool good : {true, false}) {
    ChunkedOptions options;
    options.signing = DocSigning();
    options.header_checksum =
        ExpectedChecksum{ChecksumAlgorithm::kCrc32c, good ? "4waSgw==" : "4waSgA=="};
    AwsChunkedDecoder decoder(options);
    std::string out;
    Status st =
        test::FeedAll(&decoder, test::FrameChunks({"12345", "6789"}, &signing, false), {1}, &out);
    EXPECT_EQ(Code(st), good ? "OK" : "BadDigest");
  }
}

TEST(BodyDecoderChoice, UnsignedPayloadWithChecksumHeader) {
  for (const ChecksumCase& c : kChecksums) {
    for (bool good : {true, false}) {
      SCOPED_TRACE(c.header);
      HeaderList headers = {{c.header, c.good}};
      DecoderRequest request{&headers, "UNSIGNED-PAYLOAD", false, {}};
      auto decoder = MakeBodyDecoder(std::move(request));
      ASSERT_TRUE(decoder.ok());
      ASSERT_NE(decoder.value(), nullptr);
      std::string out;
      Status st = test::FeedAll(decoder.value().get(), good ? "123456789" : "123456780", {4}, &out);
      EXPECT_EQ(Code(st), good ? "OK" : "BadDigest");
    }
  }
}

TEST(BodyDecoderChoice, RefusesWhatS3Refuses) {
  HeaderList bad_base64 = {{"x-amz-checksum-crc32", "not base64"}};
  HeaderList wrong_size = {{"x-amz-checksum-sha256", "y/Q5Jg=="}};
  HeaderList two = {{"x-amz-checksum-crc32", "y/Q5Jg=="}, {"x-amz-checksum-crc32c", "4waSgw=="}};
  HeaderList bad_trailer = {{"x-amz-trailer", "x-amz-checksum-md5"}};
  HeaderList none;
  struct Case {
    const HeaderList* headers;
    const char* hash;
    bool presigned;
    const char* code;
  } cases[] = {
      {&bad_base64, "UNSIGNED-PAYLOAD", false, "InvalidRequest"},
      {&wrong_size, "UNSIGNED-PAYLOAD", false, "InvalidRequest"},
      {&two, "UNSIGNED-PAYLOAD", false, "InvalidRequest"},
      {&bad_trailer, "STREAMING-UNSIGNED-PAYLOAD-TRAILER", false, "InvalidRequest"},
      {&none, "STREAMING-AWS4-HMAC-SHA256-PAYLOAD", true, "InvalidRequest"},
      {&none, "STREAMING-AWS4-ECDSA-P256-SHA256-PAYLOAD", false, "InvalidArgument"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.hash);
    DecoderRequest request{c.headers, c.hash, c.presigned, DocSigning()};
    EXPECT_EQ(Code(MakeBodyDecoder(std::move(request)).status()), c.code);
  }
  DecoderRequest passthrough{&none, "UNSIGNED-PAYLOAD", false, {}};
  auto decoder = MakeBodyDecoder(std::move(passthrough));
  ASSERT_TRUE(decoder.ok());
  EXPECT_EQ(decoder.value(), nullptr);
}

}  // namespace
}  // namespace cairn::sigv4
