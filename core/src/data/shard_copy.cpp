// DataPath::CopyShard: the rebalancer's way of moving a shard to the drive placement now wants.
#include "data/data_path.h"
#include "data/stripe_layout.h"

namespace cairn {

Result<uint64_t> DataPath::CopyShard(const Segment& seg, size_t chunk, uint32_t shard,
                                     const std::string& to,
                                     const std::function<void(uint64_t)>& throttle) {
  if (chunk >= seg.chunks.size() || shard >= seg.chunks[chunk].drives.size()) {
    return Status::InvalidArgument("no such shard in the segment");
  }
  const std::string name = ShardName(seg.data_id, chunk, shard);
  auto writer = transport_.OpenWriter({to, name});
  if (!writer.ok()) return writer.status();
  StripeLayout sl{seg.chunks[chunk].size, seg.k, seg.block_size};
  // ReadBlock leaves the verified block followed by its checksum: exactly the on-disk form.
  std::vector<uint8_t> block(seg.block_size + kBlockChecksumSize);
  uint64_t copied = 0;
  for (uint64_t s = 0; s < sl.StripeCount(); ++s) {
    const uint64_t len = sl.BlockLength(s) + kBlockChecksumSize;
    if (throttle) throttle(len);
    Status st = ReadBlock(seg, chunk, shard, s, block.data());
    if (!st.ok()) {
 return Status::S3(st.code(), "", "reading " + name + " stripe " + std::to_string(s) + " from drive " +
                                   seg.chunks[chunk].drives[shard] + ": " + st.message());
    }
    CAIRN_RETURN_IF_ERROR(writer.value()->Append(block.data(), len));
    copied += len;
  }
  CAIRN_RETURN_IF_ERROR(writer.value()->Commit());
  return copied;
}

}  // namespace cairn
