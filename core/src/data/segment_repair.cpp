// DataPath::Repair: the scrubber's and the repair queue's way of making a segment whole again.
#include <set>

#include "data/data_path.h"
#include "data/stripe_layout.h"
#include "util/log.h"

namespace cairn {

Status DataPath::ReadBlock(const Segment& seg, size_t chunk, uint32_t shard, uint64_t stripe,
                           uint8_t* out) {
  const ChunkLayout& layout = seg.chunks[chunk];
  StripeLayout sl{layout.size, seg.k, seg.block_size};
  const uint64_t blen = sl.BlockLength(stripe);
  std::string buf(blen + kBlockChecksumSize, '\0');
  ShardRef ref{layout.drives[shard], ShardName(seg.data_id, chunk, shard)};
  auto got = transport_.Read(ref, sl.ShardOffset(stripe), reinterpret_cast<uint8_t*>(buf.data()),
                             buf.size());
  if (!got.ok()) return got.status();
  if (got.value() != buf.size()) return Status::Corruption("short shard");
  if (Digest::Sha256Of(buf.data(), blen) != std::string_view(buf).substr(blen)) {
    return Status::Corruption("block checksum mismatch");
  }
  std::memcpy(out, buf.data(), blen);
  return Status::Ok();
}

Result<DataPath::RepairReport> DataPath::Repair(Segment* seg, bool verify,
                                                const std::function<void(uint64_t)>& throttle,
                                                const std::string& what) {
  RepairReport report;
  const uint32_t n = seg->k + seg->m;
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(transport_.Drives(&drives));
  std::map<std::string, const DriveInfo*> by_id;
  for (const auto& d : drives) by_id[d.id] = &d;
  auto healthy = [&](const std::string& id) {
    auto it = by_id.find(id);
    return it != by_id.end() && it->second->healthy;
  };
  std::vector<uint8_t> block(seg->block_size);

  for (size_t c = 0; c < seg->chunks.size(); ++c) {
    ChunkLayout& layout = seg->chunks[c];
    if (layout.drives.size() != n) return Status::Corruption("chunk without k+m drives");
    StripeLayout sl{layout.size, seg->k, seg->block_size};
    uint64_t shard_size = 0;
    for (uint64_t s = 0; s < sl.StripeCount(); ++s) shard_size += sl.BlockLength(s) + kBlockChecksumSize;

    // 1. Which shards are bad.
    std::vector<uint8_t> bad(n, 0);
    for (uint32_t i = 0; i < n; ++i) {
      ++report.shards_checked;
      ShardRef ref{layout.drives[i], ShardName(seg->data_id, c, i)};
      auto stat = transport_.Stat(ref);
      if (!stat.ok() || stat->size != shard_size) {
        bad[i] = 1;
        continue;
      }
      if (!verify) continue;
      for (uint64_t s = 0; s < sl.StripeCount(); ++s) {
        if (throttle) throttle(sl.BlockLength(s) + kBlockChecksumSize);
        Status st = ReadBlock(*seg, c, i, s, block.data());
        report.bytes_verified += sl.BlockLength(s) + kBlockChecksumSize;
        if (!st.ok()) {
          bad[i] = 1;
          break;
        }
      }
    }
    uint32_t bad_count = 0;
    for (uint8_t b : bad) bad_count += b;
    if (bad_count == 0) continue;
    if (bad_count > seg->m) {
      LogError("repair", what + ": data " + seg->data_id + " chunk " + std::to_string(c) +
                             " has " + std::to_string(bad_count) + " bad shards, more than m=" +
                             std::to_string(seg->m) + ": not rebuildable");
      ++report.chunks_lost;
      continue;
    }

    // 2. Where the rebuilt shards go: their own drive if healthy, else an unused healthy one.
    std::vector<std::string> target = layout.drives;
    std::set<std::string> used(layout.drives.begin(), layout.drives.end());
    for (uint32_t i = 0; i < n; ++i) {
      if (!bad[i] || healthy(layout.drives[i])) continue;
      for (const auto& d : drives) {
        if (d.healthy && used.count(d.id) == 0) {
          target[i] = d.id;
          used.insert(d.id);
          break;
        }
      }
      if (target[i] == layout.drives[i]) {
        return Status::Unavailable(what + ": no healthy drive to rebuild shard " +
                                   ShardName(seg->data_id, c, i) + " onto");
      }
    }
    std::vector<std::unique_ptr<ShardWriter>> writers(n);
    for (uint32_t i = 0; i < n; ++i) {
      if (!bad[i]) continue;
      auto w = transport_.OpenWriter({target[i], ShardName(seg->data_id, c, i)});
      if (!w.ok()) return w.status();
      writers[i] = std::move(w.value());
    }

    // 3. Rebuild stripe by stripe from any k good blocks.
    auto coder = Coder(seg->codec, seg->k, seg->m);
    if (!coder.ok()) return coder.status();
    std::vector<std::vector<uint8_t>> blocks(n, std::vector<uint8_t>(seg->block_size));
    std::vector<uint8_t*> ptrs(n);
    for (uint32_t i = 0; i < n; ++i) ptrs[i] = blocks[i].data();
    bool lost = false;
    for (uint64_t s = 0; s < sl.StripeCount() && !lost; ++s) {
      uint64_t blen = sl.BlockLength(s);
      std::vector<uint8_t> present(n, 0);
      uint32_t good = 0;
      for (uint32_t i = 0; i < n && good < seg->k; ++i) {
        if (bad[i]) continue;
        if (throttle) throttle(blen + kBlockChecksumSize);
        if (ReadBlock(*seg, c, i, s, ptrs[i]).ok()) {
          present[i] = 1;
          ++good;
        }
      }
      if (good < seg->k) {
        lost = true;
        break;
      }
      CAIRN_RETURN_IF_ERROR(coder.value()->Reconstruct(ptrs.data(), present.data(), blen));
      for (uint32_t i = 0; i < n; ++i) {
        if (!bad[i]) continue;
        std::string sum = Digest::Sha256Of(ptrs[i], blen);
        CAIRN_RETURN_IF_ERROR(writers[i]->Append(ptrs[i], blen));
        CAIRN_RETURN_IF_ERROR(
            writers[i]->Append(reinterpret_cast<const uint8_t*>(sum.data()), sum.size()));
      }
    }
    if (lost) {
      LogError("repair", what + ": data " + seg->data_id + " chunk " + std::to_string(c) +
                             ": fewer than k readable shards in a stripe: not rebuildable");
      ++report.chunks_lost;
      continue;  // the writers abort in their destructors
    }
    for (uint32_t i = 0; i < n; ++i) {
      if (!bad[i]) continue;
      CAIRN_RETURN_IF_ERROR(writers[i]->Commit());
      ++report.shards_repaired;
      if (target[i] != layout.drives[i]) {
        LogInfo("repair", what + ": shard " + ShardName(seg->data_id, c, i) + " moved from drive " +
                              layout.drives[i] + " to " + target[i]);
        layout.drives[i] = target[i];
        report.relocated = true;
      }
    }
    LogInfo("repair", what + ": rebuilt " + std::to_string(bad_count) + " shard(s) of data " +
                          seg->data_id + " chunk " + std::to_string(c));
  }
  return report;
}

}  // namespace cairn
