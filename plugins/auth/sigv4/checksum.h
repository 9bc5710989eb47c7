// The S3 additional checksums (x-amz-checksum-crc32|crc32c|crc64nvme|sha1|sha256), computed as
// the payload streams and compared with the base64 value the client sent in a header or a
// trailer. The algorithms themselves are cairn_checksum's (checksum/s3_checksum.h).
// Thread-compatible.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/status.h"
#include "checksum/s3_checksum.h"
#include "crypto.h"

namespace cairn::sigv4 {

using ChecksumAlgorithm = checksum::Algorithm;

// The algorithm a header or trailer name ("x-amz-checksum-crc32c", any case) names, if any.
std::optional<ChecksumAlgorithm> ChecksumFromHeader(std::string_view name);
// The lowercase header name, e.g. "x-amz-checksum-crc32c".
std::string ChecksumHeaderName(ChecksumAlgorithm algorithm);
// The algorithm's short name as the core records it: "crc32", "crc32c", "crc64nvme", "sha1",
// "sha256".
std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm);
// The raw digest length: 4 for CRC32/CRC32C, 8 for CRC64NVME, 20 for SHA-1, 32 for SHA-256.
size_t ChecksumSize(ChecksumAlgorithm algorithm);

class Checksum {
 public:
  explicit Checksum(ChecksumAlgorithm algorithm) : hasher_(algorithm) {}
  ChecksumAlgorithm algorithm() const { return hasher_.algorithm(); }
  void Update(const uint8_t* data, size_t size) { hasher_.Update(data, size); }
  // The base64 digest of everything fed so far, as S3 writes it. Call once.
  std::string FinishBase64() { return Base64Encode(hasher_.Finish()); }

 private:
  checksum::Hasher hasher_;
};

// A checksum the client announced, to compare with what the payload turns out to be.
struct ExpectedChecksum {
  ChecksumAlgorithm algorithm;
  std::string base64;
};

// BadDigest unless what `actual` computed matches `expected`. Finishes `actual`.
Status CompareChecksum(const ExpectedChecksum& expected, Checksum* actual);

}  // namespace cairn::sigv4
