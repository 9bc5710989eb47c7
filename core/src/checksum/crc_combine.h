// Combining CRCs: the CRC of A||B from CRC(A), CRC(B) and the length of B, without the bytes.
// This is how a FULL_OBJECT multipart checksum is computed at CompleteMultipartUpload from the
// part CRCs and sizes. Valid for reflected CRCs whose initial value equals their final xor
// (CRC32, CRC32C and CRC64NVME: all ones), as zlib's crc32_combine. Thread-safe.
#pragma once

#include <cstdint>

namespace cairn::checksum {

// `poly` is the reflected polynomial: 0xedb88320 (CRC32), 0x82f63b78 (CRC32C).
uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b, uint32_t poly);
// `poly`: kCrc64NvmeReflectedPoly.
uint64_t Crc64Combine(uint64_t crc_a, uint64_t crc_b, uint64_t length_b, uint64_t poly);

}  // namespace cairn::checksum
