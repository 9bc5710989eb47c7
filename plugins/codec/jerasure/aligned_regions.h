// RunOnAlignedRegions: runs a Jerasure region operation over caller blocks of any size and any
// alignment.
//
// Jerasure and gf-complete put two demands on the buffers they are given, and gf-complete does
// not report a violation as an error: it prints and fails an assert() (exit(1) in some
// versions), taking the server down.
// - sizes must be a multiple of sizeof(long) (Jerasure's documented contract);
// - every source and destination of a GF(2^8) region multiply must have the same address modulo
//   16 (gf-complete's SIMD kernels), which caller blocks cut from one buffer at odd offsets do
//   not.
// So the op sees the caller's own pointers for the sizeof(long)-multiple prefix when all blocks
// are mutually aligned (the fast, common case), and 16-aligned scratch copies otherwise: the
// misaligned body in bounded chunks, and the final < sizeof(long) bytes zero-padded to one word.
// Padding never changes the real bytes: the code works byte by byte over GF(2^8).
//
// Thread-safety: a pure function; scratch memory is per call.
#pragma once

#include <cstddef>
#include <cstdint>
#include <functional>

#include "cairn/status.h"

namespace cairn::codec {

// A Jerasure call over all blocks of a stripe (data first, then parity), `size` bytes each.
// REQUIRES: size is a positive multiple of sizeof(long), every pointer has the same address
// modulo 16.
using RegionOp = std::function<Status(char** blocks, int size)>;

struct StripeRegions {
  uint8_t* const* blocks;  // count pointers to block_size bytes; not owned
  const uint8_t* written;  // count flags: non-zero for a block the op writes, else it is read
  int count;
};

// REQUIRES: block_size <= INT_MAX.
Status RunOnAlignedRegions(const StripeRegions& stripe, size_t block_size, const RegionOp& op);

}  // namespace cairn::codec
