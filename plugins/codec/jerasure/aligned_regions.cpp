#include "aligned_regions.h"

#include <algorithm>
#include <cstring>
#include <vector>

namespace cairn::codec {
namespace {

// Jerasure's size unit.
constexpr size_t kWord = sizeof(long);
// gf-complete's widest region kernel aligns to 16 bytes and demands that sources and
// destinations agree modulo 16.
constexpr uintptr_t kSimdAlign = 16;
// The scratch budget of a staged pass, over all blocks: a wide stripe gets shorter chunks
// rather than more memory.
constexpr size_t kStageBudget = size_t{1} << 20;
constexpr size_t kMinChunk = 256;

size_t RoundUp(size_t n, size_t unit) { return (n + unit - 1) / unit * unit; }

bool MutuallyAligned(const StripeRegions& stripe) {
  const uintptr_t first = reinterpret_cast<uintptr_t>(stripe.blocks[0]) % kSimdAlign;
  for (int i = 1; i < stripe.count; ++i) {
    if (reinterpret_cast<uintptr_t>(stripe.blocks[i]) % kSimdAlign != first) return false;
  }
  return true;
}

// Runs op over [begin, end) of every block through 16-aligned scratch copies, in chunks.
Status RunStaged(const StripeRegions& stripe, size_t begin, size_t end, const RegionOp& op) {
  const size_t count = static_cast<size_t>(stripe.count);
  const size_t chunk =
      std::min(RoundUp(end - begin, kWord),
               std::max(kMinChunk, kStageBudget / count / kSimdAlign * kSimdAlign));
  const size_t stride = RoundUp(chunk, kSimdAlign);
  // Padding past a chunk's real bytes holds zeros or an earlier chunk's bytes. Either is fine:
  // GF(2^8) coding works byte by byte, so padding only reaches padding outputs, never copied out.
  std::vector<uint8_t> scratch(stride * count + kSimdAlign);
  const uintptr_t base = reinterpret_cast<uintptr_t>(scratch.data());
  uint8_t* aligned = scratch.data() + (RoundUp(base, kSimdAlign) - base);
  std::vector<char*> staged(count);
  for (size_t i = 0; i < count; ++i) staged[i] = reinterpret_cast<char*>(aligned + i * stride);

  for (size_t offset = begin; offset < end; offset += chunk) {
    const size_t len = std::min(chunk, end - offset);
    for (size_t i = 0; i < count; ++i) {
      if (stripe.written[i] == 0) std::memcpy(staged[i], stripe.blocks[i] + offset, len);
    }
    CAIRN_RETURN_IF_ERROR(op(staged.data(), static_cast<int>(RoundUp(len, kWord))));
    for (size_t i = 0; i < count; ++i) {
      if (stripe.written[i] != 0) std::memcpy(stripe.blocks[i] + offset, staged[i], len);
    }
  }
  return Status::Ok();
}

}  // namespace

Status RunOnAlignedRegions(const StripeRegions& stripe, size_t block_size, const RegionOp& op) {
  if (block_size == 0 || stripe.count == 0) return Status::Ok();
  const size_t body = block_size - block_size % kWord;
  size_t done = 0;
  if (body > 0 && MutuallyAligned(stripe)) {
    // Jerasure's signatures are not const-correct; it writes only the blocks flagged written.
    std::vector<char*> direct(static_cast<size_t>(stripe.count));
    for (int i = 0; i < stripe.count; ++i) direct[i] = reinterpret_cast<char*>(stripe.blocks[i]);
    CAIRN_RETURN_IF_ERROR(op(direct.data(), static_cast<int>(body)));
    done = body;
  }
  if (done == block_size) return Status::Ok();
  return RunStaged(stripe, done, block_size, op);
}

}  // namespace cairn::codec
