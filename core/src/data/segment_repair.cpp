// DataPath::Repair: the scrubber's and the repair queue's way of making a segment whole again.
#include <algorithm>
#include <set>

#include "data/data_path.h"
#include "data/stripe_layout.h"
#include "util/log.h"

namespace cairn {

Status DataPath::RepairChunk(Segment* seg, size_t c, bool verify,
                             const std::function<void(uint64_t)>& throttle,
                             const std::string& what, const std::vector<DriveInfo>& drives,
                             RepairReport* report) {
  const uint32_t n = seg->k + seg->m;
  ChunkLayout& layout = seg->chunks[c];
  if (layout.drives.size() != n) return Status::Corruption("chunk without k+m drives");
  StripeLayout sl{layout.size, seg->k, seg->block_size};
  const uint64_t stripes = sl.StripeCount();
  uint64_t shard_size = 0;
  for (uint64_t s = 0; s < stripes; ++s) shard_size += sl.BlockLength(s) + kBlockChecksumSize;
  auto writable = [&](const std::string& id) {
    for (const auto& d : drives) {
      if (d.id == id) return d.writable();
    }
    return false;
  };

  // 1. Which blocks are bad: a missing or mis-sized shard has every block bad; with `verify`,
  // each block of the others is read and checksummed. A shard with any bad block is rewritten.
  std::vector<std::vector<uint8_t>> bad(n, std::vector<uint8_t>(stripes, 0));
  std::vector<uint8_t> rewrite(n, 0);
  std::vector<uint8_t> block(seg->block_size + kBlockChecksumSize);
  for (uint32_t i = 0; i < n; ++i) {
    ++report->shards_checked;
    auto stat = transport_.Stat({layout.drives[i], ShardName(seg->data_id, c, i)});
    if (!stat.ok() || stat->size != shard_size) {
      std::fill(bad[i].begin(), bad[i].end(), 1);
      rewrite[i] = 1;
      continue;
    }
    if (!verify) continue;
    for (uint64_t s = 0; s < stripes; ++s) {
      if (throttle) throttle(sl.BlockLength(s) + kBlockChecksumSize);
      report->bytes_verified += sl.BlockLength(s) + kBlockChecksumSize;
      if (!ReadBlock(*seg, c, i, s, block.data()).ok()) {
        bad[i][s] = 1;
        rewrite[i] = 1;
      }
    }
  }
  uint32_t rewrites = 0;
  for (uint8_t r : rewrite) rewrites += r;
  if (rewrites == 0) return Status::Ok();
  // Rebuildable only if every stripe keeps k good blocks (bad blocks may be scattered over
  // more than m shards and still leave each stripe decodable).
  for (uint64_t s = 0; s < stripes; ++s) {
    uint32_t good = 0;
    for (uint32_t i = 0; i < n; ++i) good += !bad[i][s];
    if (good < seg->k) {
      LogError("repair", what + ": data " + seg->data_id + " chunk " + std::to_string(c) +
                             " stripe " + std::to_string(s) + " has " + std::to_string(good) +
                             " good blocks, fewer than k=" + std::to_string(seg->k) +
                             ": not rebuildable");
      ++report->chunks_lost;
      return Status::Ok();
    }
  }

  // 2. Where the rewritten shards go: their own drive if it takes writes, else an unused one
  // that does (a draining node's drives take none).
  std::vector<std::string> target = layout.drives;
  std::set<std::string> used(layout.drives.begin(), layout.drives.end());
  for (uint32_t i = 0; i < n; ++i) {
    if (!rewrite[i] || writable(layout.drives[i])) continue;
    for (const auto& d : drives) {
      if (d.writable() && used.count(d.id) == 0) {
        target[i] = d.id;
        used.insert(d.id);
        break;
      }
    }
    if (target[i] == layout.drives[i]) {
      return Status::Unavailable("no healthy drive to rebuild shard " +
                                 ShardName(seg->data_id, c, i) + " onto");
    }
  }
  std::vector<std::unique_ptr<ShardWriter>> writers(n);
  for (uint32_t i = 0; i < n; ++i) {
    if (!rewrite[i]) continue;
    auto w = transport_.OpenWriter({target[i], ShardName(seg->data_id, c, i)});
    if (!w.ok()) return w.status();
    writers[i] = std::move(w.value());
  }

  // 3. Stripe by stripe: read any k good blocks, decode the rest, write the rewritten shards.
  auto coder = Coder(seg->codec, seg->k, seg->m);
  if (!coder.ok()) return coder.status();
  std::vector<std::vector<uint8_t>> blocks(
      n, std::vector<uint8_t>(seg->block_size + kBlockChecksumSize));
  std::vector<uint8_t*> ptrs(n);
  for (uint32_t i = 0; i < n; ++i) ptrs[i] = blocks[i].data();
  for (uint64_t s = 0; s < stripes; ++s) {
    uint64_t blen = sl.BlockLength(s);
    std::vector<uint8_t> present(n, 0);
    uint32_t good = 0;
    for (uint32_t i = 0; i < n && good < seg->k; ++i) {
      if (bad[i][s]) continue;
      if (throttle) throttle(blen + kBlockChecksumSize);
      if (ReadBlock(*seg, c, i, s, ptrs[i]).ok()) {
        present[i] = 1;
        ++good;
      }
    }
    if (good < seg->k) {
      ++report->chunks_lost;  // a block went bad since step 1
      return Status::Ok();    // the writers abort in their destructors
    }
    CAIRN_RETURN_IF_ERROR(coder.value()->Reconstruct(ptrs.data(), present.data(), blen));
    for (uint32_t i = 0; i < n; ++i) {
      if (!rewrite[i]) continue;
      std::string sum = Digest::Sha256Of(ptrs[i], blen);
      CAIRN_RETURN_IF_ERROR(writers[i]->Append(ptrs[i], blen));
      CAIRN_RETURN_IF_ERROR(
          writers[i]->Append(reinterpret_cast<const uint8_t*>(sum.data()), sum.size()));
    }
  }
  for (uint32_t i = 0; i < n; ++i) {
    if (!rewrite[i]) continue;
    CAIRN_RETURN_IF_ERROR(writers[i]->Commit());
    ++report->shards_repaired;
    if (target[i] != layout.drives[i]) {
      LogInfo("repair", what + ": shard " + ShardName(seg->data_id, c, i) + " moved from drive " +
                            layout.drives[i] + " to " + target[i]);
      layout.drives[i] = target[i];
      report->relocated = true;
    }
  }
  LogInfo("repair", what + ": rebuilt " + std::to_string(rewrites) + " shard(s) of data " +
                        seg->data_id + " chunk " + std::to_string(c));
  return Status::Ok();
}

Result<DataPath::RepairReport> DataPath::Repair(Segment* seg, bool verify,
                                                const std::function<void(uint64_t)>& throttle,
                                                const std::string& what) {
  RepairReport report;
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(transport_.Drives(&drives));
  for (size_t c = 0; c < seg->chunks.size(); ++c) {
    Status st = RepairChunk(seg, c, verify, throttle, what, drives, &report);
    if (!st.ok()) {
      LogWarn("repair", what + ": data " + seg->data_id + " chunk " + std::to_string(c) + ": " +
                            st.ToString());
      report.errors.push_back("chunk " + std::to_string(c) + ": " + st.ToString());
    }
  }
  return report;
}

}  // namespace cairn
