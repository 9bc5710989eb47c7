#include "checksum/crc64nvme.h"

#include <array>
#include <cstring>

namespace cairn::checksum {
namespace {

using Tables = std::array<std::array<uint64_t, 256>, 8>;

// tables[0] is the classic byte table; tables[k][b] is the CRC of byte b followed by k zero
// bytes, so eight input bytes fold in with eight lookups.
constexpr Tables MakeTables() {
  Tables t{};
  for (uint64_t b = 0; b < 256; ++b) {
    uint64_t c = b;
    for (int i = 0; i < 8; ++i) c = (c & 1) ? (c >> 1) ^ kCrc64NvmeReflectedPoly : c >> 1;
    t[0][b] = c;
  }
  for (size_t k = 1; k < 8; ++k) {
    for (size_t b = 0; b < 256; ++b) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xff];
  }
  return t;
}

constexpr Tables kTables = MakeTables();

}  // namespace

uint64_t Crc64Nvme(uint64_t crc, const uint8_t* data, size_t size) {
  uint64_t c = ~crc;
  while (size > 0 && (reinterpret_cast<uintptr_t>(data) & 7) != 0) {
    c = (c >> 8) ^ kTables[0][(c ^ *data++) & 0xff];
    --size;
  }
  while (size >= 8) {
    uint64_t word;
    std::memcpy(&word, data, 8);  // little-endian hosts only (x86-64, aarch64)
    c ^= word;
    c = kTables[7][c & 0xff] ^ kTables[6][(c >> 8) & 0xff] ^ kTables[5][(c >> 16) & 0xff] ^
        kTables[4][(c >> 24) & 0xff] ^ kTables[3][(c >> 32) & 0xff] ^
        kTables[2][(c >> 40) & 0xff] ^ kTables[1][(c >> 48) & 0xff] ^ kTables[0][c >> 56];
    data += 8;
    size -= 8;
  }
  while (size-- > 0) c = (c >> 8) ^ kTables[0][(c ^ *data++) & 0xff];
  return ~c;
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "Crc64Nvme assumes a little-endian host");

}  // namespace cairn::checksum
