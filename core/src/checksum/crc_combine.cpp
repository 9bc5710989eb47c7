#include "checksum/crc_combine.h"

namespace cairn::checksum {
namespace {

// Polynomials over GF(2) modulo P in the reflected representation: the top bit is x^0.
// a * b mod P, by shift and add.
template <typename T>
T MultModP(T a, T b, T poly) {
  T product = 0;
  for (T m = T(1) << (sizeof(T) * 8 - 1); m != 0; m >>= 1) {
    if (a & m) product ^= b;
    b = (b & 1) ? (b >> 1) ^ poly : b >> 1;
  }
  return product;
}

// x^(8 * bytes) mod P by repeated squaring: about 64 multiplications at most.
template <typename T>
T XPow8nModP(uint64_t bytes, T poly) {
  constexpr int kWidth = sizeof(T) * 8;
  T result = T(1) << (kWidth - 1);   // x^0
  T square = T(1) << (kWidth - 9);   // x^8
  while (bytes != 0) {
    if (bytes & 1) result = MultModP(result, square, poly);
    square = MultModP(square, square, poly);
    bytes >>= 1;
  }
  return result;
}

// CRC(A||B) = CRC(A) * x^(8|B|) + CRC(B) mod P: the init and xorout terms cancel when equal.
template <typename T>
T Combine(T crc_a, T crc_b, uint64_t length_b, T poly) {
  if (length_b == 0) return crc_a;
  return MultModP(XPow8nModP(length_b, poly), crc_a, poly) ^ crc_b;
}

}  // namespace

uint32_t Crc32Combine(uint32_t crc_a, uint32_t crc_b, uint64_t length_b, uint32_t poly) {
  return Combine<uint32_t>(crc_a, crc_b, length_b, poly);
}

uint64_t Crc64Combine(uint64_t crc_a, uint64_t crc_b, uint64_t length_b, uint64_t poly) {
  return Combine<uint64_t>(crc_a, crc_b, length_b, poly);
}

}  // namespace cairn::checksum
