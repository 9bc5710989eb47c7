// The S3 additional checksums (x-amz-checksum-crc32|crc32c|sha1|sha256), computed as the payload
// streams and compared with the base64 value the client sent in a header or a trailer.
// CRCs come from ISA-L, SHA digests from OpenSSL. Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/status.h"
#include "crypto.h"

namespace cairn::sigv4 {

enum class ChecksumAlgorithm { kCrc32, kCrc32c, kSha1, kSha256 };

// The algorithm a header or trailer name ("x-amz-checksum-crc32c", any case) names, if any.
std::optional<ChecksumAlgorithm> ChecksumFromHeader(std::string_view name);
// The lowercase header name, e.g. "x-amz-checksum-crc32c".
std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm);
// The algorithm's short name as the core records it: "crc32", "crc32c", "sha1", "sha256".
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// The raw digest length: 4 for CRCs, 20 for SHA-1, 32 for SHA-256.
size_t ChecksumSize(ChecksumAlgorithm algorithm);

class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm algorithm);
  ChecksumAlgorithm algorithm() const { return algorithm_; }
  void Update(const uint8_t* data, size_t size);
  // The base64 digest of everything fed so far, as S3 writes it. Call once.
  std::string FinishBase64();

 private:
  ChecksumAlgorithm algorithm_;
  uint32_t crc_ = 0;
  std::optional<Digest> digest_;
};

// A checksum the client announced, to compare with what the payload turns out to be.
struct ExpectedChecksum {
  ChecksumAlgorithm algorithm;
  std::string base64;
};

// BadDigest unless what `actual` computed matches `expected`. Finishes `actual`.
Status CompareChecksum(const ExpectedChecksum& expected, Checksum* actual);

}  // namespace cairn::sigv4
