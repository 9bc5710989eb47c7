// The body decoder for aws-chunked payloads: STREAMING-AWS4-HMAC-SHA256-PAYLOAD (signed chunks),
// its -TRAILER variant (signed chunks and signed trailing headers) and
// STREAMING-UNSIGNED-PAYLOAD-TRAILER (plain chunks and trailing headers).
//
// Raw bytes arrive in arbitrary pieces, so this is an incremental state machine. Chunk data is
// streamed out as it arrives and hashed on the way: memory stays bounded by the longest framing
// line (a few KiB), never by the chunk size. A chunk whose signature is wrong fails at the end of
// that chunk; the host must not make any payload visible until Finish() returns OK.
// Used by one thread at a time. After a failure every later call returns the same failure.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "cairn/authenticator.h"
#include "checksum.h"
#include "crypto.h"

namespace cairn::sigv4 {

// What chained chunk signatures need. The signing key is derived, not the secret; it is wiped
// when the decoder is destroyed.
struct ChunkSigning {
  std::string signing_key;     // raw 32 bytes
  std::string amz_date;        // YYYYMMDDTHHMMSSZ of the request
  std::string scope;           // date/region/service/aws4_request
  std::string seed_signature;  // the request's own signature, hex
};

struct ChunkedOptions {
  std::optional<ChunkSigning> signing;  // nullopt: unsigned chunks
  bool trailer = false;                 // trailing headers follow the final chunk
  // The checksum named by the x-amz-trailer request header, expected as a trailer.
  std::optional<ChecksumAlgorithm> trailer_checksum;
  // A checksum sent as a request header, compared with the decoded payload.
  std::optional<ExpectedChecksum> header_checksum;
  // x-amz-decoded-content-length, when the client sent it.
  std::optional<uint64_t> decoded_length;
};

class AwsChunkedDecoder : public BodyDecoder {
 public:
  explicit AwsChunkedDecoder(ChunkedOptions options);
  ~AwsChunkedDecoder() override;

  Status Feed(const uint8_t* raw, size_t size, std::string* out) override;
  Status Finish() override;
  bool VerifiedChecksum(std::string* algorithm, std::string* base64) const override;

 private:
  enum class State { kChunkHeader, kChunkData, kChunkDataEnd, kFinalLine, kTrailer, kDone };

  Status Fail(Status st);
  // Consumes bytes of a CRLF-terminated line; true when a whole line is in line_.
  Result<bool> TakeLine(const uint8_t** p, const uint8_t* end);
  Status OnChunkHeader();
  Status VerifyChunkSignature();
  Status OnTrailerLine();
  Status OnTrailerEnd();
  std::string SignChunk(const std::string& data_sha256_hex);

  ChunkedOptions options_;
  State state_ = State::kChunkHeader;
  Status failure_;
  std::string line_;
  uint64_t chunk_remaining_ = 0;
  uint64_t decoded_ = 0;
  size_t trailer_bytes_ = 0;
  std::string chunk_signature_;     // the one the client sent for the current chunk
  std::string previous_signature_;  // the chain: seed, then each verified chunk
  Digest chunk_sha256_{Digest::Kind::kSha256};
  std::optional<Checksum> header_checksum_;
  std::optional<Checksum> trailer_checksum_;
  std::optional<std::string> trailer_checksum_value_;
  std::string trailer_canonical_;  // "name:value\n" per trailing header, for the signature
  std::optional<std::string> trailer_signature_;
};

}  // namespace cairn::sigv4
