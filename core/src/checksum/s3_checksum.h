// The S3 additional checksums: CRC32, CRC32C, CRC64NVME, SHA-1 and SHA-256, their names in
// headers and XML, a streaming hasher, and the full-object combination of CRCs.
// Values are raw big-endian digests here; S3 sends them base64-encoded. CRCs come from ISA-L
// (and crc64nvme.h), SHA digests from OpenSSL. Hasher is thread-compatible, the rest
// thread-safe.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::checksum {

enum class Algorithm { kCrc32, kCrc32c, kCrc64Nvme, kSha1, kSha256 };

inline constexpr Algorithm kAllAlgorithms[] = {Algorithm::kCrc32, Algorithm::kCrc32c,
                                               Algorithm::kCrc64Nvme, Algorithm::kSha1,
                                               Algorithm::kSha256};

// "crc32", "crc32c", "crc64nvme", "sha1", "sha256": the lowercase name the core records and
// the suffix of the x-amz-checksum-<name> header.
std::string_view Name(Algorithm algorithm);
// The algorithm a name ("CRC64NVME", any case) names, if any.
std::optional<Algorithm> FromName(std::string_view name);
// "ChecksumCRC32", ...: the XML element of the checksum.
std::string_view XmlElement(Algorithm algorithm);
// The raw digest length: 4 for CRC32 and CRC32C, 8 for CRC64NVME, 20 for SHA-1, 32 for SHA-256.
size_t Size(Algorithm algorithm);
// Whether a FULL_OBJECT multipart checksum is possible (CRCs combine; digests do not).
bool SupportsFullObject(Algorithm algorithm);
// Whether the COMPOSITE form is (every algorithm but CRC64NVME, as in S3).
bool SupportsComposite(Algorithm algorithm);

class Hasher {
 public:
  explicit Hasher(Algorithm algorithm);
  ~Hasher();
  Hasher(Hasher&&) noexcept;
  Hasher& operator=(Hasher&&) noexcept;

  Algorithm algorithm() const { return algorithm_; }
  void Update(const uint8_t* data, size_t size);
  void Update(std::string_view data) {
    Update(reinterpret_cast<const uint8_t*>(data.data()), data.size());
  }
  // The raw digest of everything fed so far. Call once.
  std::string Finish();

 private:
  struct Evp;
  Algorithm algorithm_;
  uint64_t crc_ = 0;
  std::unique_ptr<Evp> evp_;  // SHA-1 and SHA-256 only
};

// The raw digest of `data`.
std::string Of(Algorithm algorithm, std::string_view data);

// The CRC of A||B from the raw CRCs of A and of B and B's length. nullopt for a digest
// algorithm or a raw value of the wrong size.
std::optional<std::string> CombineCrc(Algorithm algorithm, std::string_view crc_a,
                                      std::string_view crc_b, uint64_t length_b);

}  // namespace cairn::checksum
