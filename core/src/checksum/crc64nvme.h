// CRC-64/NVME, the checksum S3 calls CRC64NVME: the reflected CRC-64 with polynomial
// 0xad93d23594c93659, initial value and final xor all ones (check value for "123456789":
// 0xae8b14860a799888). ISA-L 2.30 (Debian 12) has no crc64_rocksoft, hence this slicing-by-8
// table implementation (not benchmarked; well below ISA-L's folded CRC32 speed). Thread-safe:
// the tables are constant.
#pragma once

#include <cstddef>
#include <cstdint>

namespace cairn::checksum {

// The polynomial in reflected (LSB-first) form.
inline constexpr uint64_t kCrc64NvmeReflectedPoly = 0x9a6c9329ac4bc9b5ull;

// Continues a CRC over `data`: pass 0 to start, then the previous return value, like zlib's
// crc32 (the all-ones init and xorout are applied inside).
uint64_t Crc64Nvme(uint64_t crc, const uint8_t* data, size_t size);

}  // namespace cairn::checksum
