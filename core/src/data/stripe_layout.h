// The arithmetic of chunks, stripes and shard blocks, shared by writer and reader.
//
// A segment is cut into chunks of chunk_size object bytes (the last one shorter). A chunk is
// cut into stripes of k*block_size bytes; only the chunk's last stripe may be shorter, and its
// blocks are then ceil(rest/k) bytes (zero-padded). Shard i of a chunk is one file holding
// block i of every stripe, each followed by its SHA-256, so stripe s starts at
// s*(block_size+32) in every shard file and a range read verifies only the blocks it reads.
#pragma once

#include <cstdint>

namespace cairn {

inline constexpr uint64_t kBlockChecksumSize = 32;  // SHA-256

struct StripeLayout {
  uint64_t chunk_size;  // object bytes in this chunk
  uint32_t k;
  uint32_t block_size;

  uint64_t StripeData() const { return static_cast<uint64_t>(k) * block_size; }
  uint64_t StripeCount() const { return (chunk_size + StripeData() - 1) / StripeData(); }
  // Object bytes in stripe s (relative to the chunk).
  uint64_t StripeBytes(uint64_t s) const {
    uint64_t start = s * StripeData();
    return chunk_size - start < StripeData() ? chunk_size - start : StripeData();
  }
  uint64_t BlockLength(uint64_t s) const { return (StripeBytes(s) + k - 1) / k; }
  uint64_t ShardOffset(uint64_t s) const { return s * (block_size + kBlockChecksumSize); }
};

}  // namespace cairn
