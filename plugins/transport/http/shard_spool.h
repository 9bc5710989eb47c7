// ShardSpool: holds the bytes of one shard between ShardWriter::Append and Commit, so that the
// PUT can carry an exact Content-Length (the node commits only a body that arrived whole) and
// can be sent again from the start when an attempt fails. Up to `memory_limit` bytes stay in
// memory; past that they go to an anonymous temp file in `dir` (unlinked at once, so a crash
// leaves nothing behind), keeping memory bounded whatever the shard size.
// Not thread-safe: used by one writer.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>

#include "node_client.h"

namespace cairn::transport {

class ShardSpool final : public RequestBody {
 public:
  ShardSpool(std::string dir, size_t memory_limit)
      : dir_(std::move(dir)), memory_limit_(memory_limit) {}
  ~ShardSpool() override;
  ShardSpool(const ShardSpool&) = delete;
  ShardSpool& operator=(const ShardSpool&) = delete;

  Status Append(const uint8_t* data, size_t size);
  uint64_t size() const override { return size_; }
  Status WriteTo(std::ostream& out) const override;

 private:
  Status SpillToFile();

  const std::string dir_;
  const size_t memory_limit_;
  std::string memory_;
  int fd_ = -1;  // the temp file once spilled
  uint64_t size_ = 0;
};

}  // namespace cairn::transport
