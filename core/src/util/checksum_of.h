// The S3 additional checksums (CRC32, CRC32C, CRC64NVME, SHA-1, SHA-256) of a byte string in memory,
// for the composite checksums of multipart uploads (a checksum of the parts' checksums).
// Payloads are verified while they stream by the authenticator plugin, not here.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn {

// The raw digest (big-endian for CRCs) under `algorithm` ("crc32", "crc32c", "crc64nvme",
// "sha1", "sha256"), or nullopt for another name. Name-keyed shims over checksum/s3_checksum.h.
std::optional<std::string> ChecksumOf(std::string_view algorithm, std::string_view data);

// "crc32" -> "ChecksumCRC32" (the XML element); "" for an unknown algorithm.
std::string ChecksumElement(std::string_view algorithm);

}  // namespace cairn
