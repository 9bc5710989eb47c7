// Fuzz target: the aws-chunked body decoder of the SigV4 plugin
// (plugins/auth/sigv4/chunked_decoder.h), built as tests/unit/sigv4/chunked_test.cpp builds
// it: signed or unsigned chunks, with or without trailing headers and checksums.
//
// Input: an options byte, a piece-size byte, a length byte, then the body.
//   options bit 0: signed chunks (the S3 documentation's key and scope)
//           bit 1: trailing headers follow the final chunk
//           bits 2-3: the trailing checksum declared (none, crc32, crc32c, sha256)
//           bit 4: a crc32c checksum is sent as a header
//           bit 5: x-amz-decoded-content-length is sent (the length byte)
//           bit 6: the harness frames the body itself: the rest is chunk payloads separated by
//                  '|', framed with correct signatures, checksums and length, so the decoder
//                  must accept it and return exactly the payload
// The body is fed whole and in pieces of the piece size (0: one byte at a time); both must give
// the same outcome and the same decoded bytes.
#include <cstdint>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "canonical_request.h"
#include "checksum.h"
#include "chunked_decoder.h"
#include "crypto.h"
#include "fuzz_util.h"

namespace {

using namespace cairn::sigv4;

constexpr char kDocSecret[] = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY";
constexpr char kDocDate[] = "20130524T000000Z";
constexpr char kSeed[] = "4f232c4386841ef735655705268965c44a0e4690baa4adea153f7db9fa80a0a9";

const ChunkSigning& DocSigning() {
  static const ChunkSigning signing = [] {
    CredentialScope scope{"20130524", "us-east-1", "s3"};
    return ChunkSigning{DeriveSigningKey(kDocSecret, scope), kDocDate, scope.ToString(), kSeed};
  }();
  return signing;
}

std::optional<ChecksumAlgorithm> TrailerAlgorithm(uint8_t options) {
  switch ((options >> 2) & 3) {
    case 1:
      return ChecksumAlgorithm::kCrc32;
    case 2:
      return ChecksumAlgorithm::kCrc32c;
    case 3:
      return ChecksumAlgorithm::kSha256;
    default:
      return std::nullopt;
  }
}

std::string ChecksumOf(ChecksumAlgorithm algorithm, std::string_view data) {
  Checksum c(algorithm);
  c.Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  return c.FinishBase64();
}

std::string NextSignature(const std::string& prev, std::string_view kind, const std::string& tail) {
  const ChunkSigning& s = DocSigning();
  return SignHex(s.signing_key, std::string(kind) + "\n" + s.amz_date + "\n" + s.scope + "\n" +
                                    prev + "\n" + tail);
}

// A correct body for `chunks` (none empty), framed as tests/unit/sigv4/test_util.cpp frames it.
std::string Frame(const std::vector<std::string_view>& chunks, const ChunkedOptions& options,
                  const std::string& payload) {
  std::string body;
  std::string prev = kSeed;
  std::vector<std::string_view> all = chunks;
  all.emplace_back();  // the final, empty chunk
  for (std::string_view data : all) {
    char size[32];
    std::snprintf(size, sizeof(size), "%zx", data.size());
    body += size;
    if (options.signing) {
      prev = NextSignature(prev, "AWS4-HMAC-SHA256-PAYLOAD",
                           std::string(kEmptySha256Hex) + "\n" + Sha256Hex(data));
      body += ";chunk-signature=" + prev;
    }
    body += "\r\n";
    body += data;
    if (!data.empty()) body += "\r\n";
  }
  if (options.trailer) {
    std::string canonical;
    if (options.trailer_checksum) {
      std::string line = std::string(ChecksumHeaderName(*options.trailer_checksum)) + ":" +
                         ChecksumOf(*options.trailer_checksum, payload);
      body += line + "\r\n";
      canonical += line + "\n";
    }
    if (options.signing) {
      body += "x-amz-trailer-signature:" +
              NextSignature(prev, "AWS4-HMAC-SHA256-TRAILER", Sha256Hex(canonical)) + "\r\n";
    }
  }
  return body + "\r\n";
}

struct Outcome {
  std::string code = "OK";
  std::string data;
};

Outcome Decode(const ChunkedOptions& options, std::string_view body, size_t piece) {
  AwsChunkedDecoder decoder(options);
  Outcome out;
  cairn::Status st;
  size_t n = piece == 0 ? 1 : piece;
  for (size_t pos = 0; pos < body.size() && st.ok(); pos += n) {
    std::string_view p = body.substr(pos, n);
    st = decoder.Feed(reinterpret_cast<const uint8_t*>(p.data()), p.size(), &out.data);
  }
  if (st.ok()) st = decoder.Finish();
  if (!st.ok()) {
    out.code = st.s3_code();
    FUZZ_CHECK(out.code == "InvalidRequest" || out.code == "SignatureDoesNotMatch" ||
               out.code == "IncompleteBody" || out.code == "BadDigest");
    // Failures stick.
    FUZZ_CHECK(decoder.Finish().s3_code() == out.code);
  } else {
    std::string algorithm, base64;
    if (decoder.VerifiedChecksum(&algorithm, &base64)) FUZZ_CHECK(!base64.empty());
  }
  FUZZ_CHECK(out.data.size() <= body.size());
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  cairn::fuzz::FuzzInput in(data, size);
  const uint8_t flags = in.Byte();
  const size_t piece = in.Byte();
  const uint8_t length = in.Byte();
  std::string_view rest = in.Rest();

  ChunkedOptions options;
  if (flags & 1) options.signing = DocSigning();
  options.trailer = (flags & 2) != 0;
  options.trailer_checksum = TrailerAlgorithm(flags);
  const bool self_framed = (flags & 64) != 0;

  std::string body;
  std::string payload;
  if (self_framed) {
    std::vector<std::string_view> chunks;
    size_t pos = 0;
    while (pos <= rest.size()) {
      size_t bar = rest.find('|', pos);
      if (bar == std::string_view::npos) bar = rest.size();
      if (bar > pos) chunks.push_back(rest.substr(pos, bar - pos));
      pos = bar + 1;
    }
    for (std::string_view c : chunks) payload += c;
    // A trailing checksum is only ever sent with trailers (x-amz-trailer needs a trailer mode).
    if (!options.trailer) options.trailer_checksum.reset();
    if (flags & 16) {
      options.header_checksum = ExpectedChecksum{ChecksumAlgorithm::kCrc32c,
                                                 ChecksumOf(ChecksumAlgorithm::kCrc32c, payload)};
    }
    if (flags & 32) options.decoded_length = payload.size();
    body = Frame(chunks, options, payload);
  } else {
    if (flags & 16)
      options.header_checksum = ExpectedChecksum{ChecksumAlgorithm::kCrc32c, "4waSgw=="};
    if (flags & 32) options.decoded_length = length;
    body = std::string(rest);
  }

  Outcome whole = Decode(options, body, body.size());
  Outcome pieces = Decode(options, body, piece);
  FUZZ_CHECK(whole.code == pieces.code);
  FUZZ_CHECK(whole.data == pieces.data);
  if (self_framed) {
    if (whole.code != "OK")
      std::fprintf(stderr, "self-framed body refused: %s\n", whole.code.c_str());
    FUZZ_CHECK(whole.code == "OK");
    FUZZ_CHECK(whole.data == payload);
  }
  if (whole.code == "OK" && options.decoded_length) {
    FUZZ_CHECK(whole.data.size() == *options.decoded_length);
  }
  return 0;
}
