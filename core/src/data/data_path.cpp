#include "data/data_path.h"

#include <cstring>
#include <future>

#include "data/stripe_layout.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {

// Blocks at least this large are read in parallel (one thread per block).
constexpr uint64_t kParallelReadMinBlock = 128 << 10;

std::string DataPath::ShardName(const std::string& data_id, size_t chunk, size_t shard) {
  return data_id.substr(0, 2) + "/" + data_id + "/c" + std::to_string(chunk) + ".s" +
         std::to_string(shard);
}

Result<const ErasureCoder*> DataPath::Coder(const std::string& codec, uint32_t k, uint32_t m) {
  std::lock_guard<std::mutex> lock(coders_mutex_);
  auto key = std::make_tuple(codec, k, m);
  auto it = coders_.find(key);
  if (it != coders_.end()) return static_cast<const ErasureCoder*>(it->second.get());
  auto c = codecs_.find(codec);
  if (c == codecs_.end()) {
    return Status::Unavailable("codec '" + codec + "' is not loaded (no codec plugin provides it)");
  }
  auto coder = c->second->Open(static_cast<int>(k), static_cast<int>(m));
  if (!coder.ok()) return coder.status();
  const ErasureCoder* raw = coder.value().get();
  coders_.emplace(key, std::move(coder.value()));
  return raw;
}

Result<std::vector<std::string>> DataPath::Place(const WriteParams& p, uint32_t chunk) {
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(transport_.Drives(&drives));
  policy::PlacementRequest req;
  req.bucket = p.bucket;
  req.key = p.key;
  req.storage_class = p.storage_class;
  req.size = p.expected_size;
  req.chunk = chunk;
  req.k = static_cast<int>(p.k);
  req.m = static_cast<int>(p.m);
  auto placed = placement_.Place(req, drives);
  if (placed.ok() || placed.status().code() != CAIRN_UNAVAILABLE) return placed;
  // Too few healthy drives for k+m distinct ones: if a write quorum is still reachable, place
  // as if every drive were healthy; shards bound for the sick ones fail and go to repair.
  size_t healthy = 0;
  for (auto& d : drives) {
    healthy += d.writable();
    d.healthy = true;  // draining drives still take nothing
  }
  if (healthy < p.quorum) {
    return Status::Unavailable("not enough healthy drives for the write quorum: need " +
                               std::to_string(p.quorum) + ", have " + std::to_string(healthy));
  }
  return placement_.Place(req, drives);
}

Result<Segment> DataPath::Write(const WriteParams& p, PayloadSource& src, Digest* md5,
                                bool* degraded) {
  auto coder_or = Coder(p.codec, p.k, p.m);
  if (!coder_or.ok()) return coder_or.status();
  const ErasureCoder& coder = *coder_or.value();
  const uint32_t n = p.k + p.m;
  const uint64_t stripe_data = static_cast<uint64_t>(p.k) * p.block_size;
  if (degraded != nullptr) *degraded = false;

  Segment seg;
  seg.data_id = RandomHex(16);
  seg.codec = p.codec;
  seg.k = p.k;
  seg.m = p.m;
  seg.block_size = p.block_size;
  seg.chunk_size = p.chunk_size;

  // One stripe of data plus its parity: the only object bytes held in memory. An object
  // announced smaller than a stripe gets buffers of its size (rounded to k, +1 byte to see the
  // end), grown to a full stripe only if more bytes arrive.
  uint64_t cap = stripe_data;
  if (p.expected_size > 0 && p.expected_size < stripe_data) {
    cap = std::min<uint64_t>(stripe_data, (p.expected_size + p.k) / p.k * p.k);
  }
  std::vector<uint8_t> stripe(cap);
  std::vector<std::vector<uint8_t>> parity(p.m, std::vector<uint8_t>(cap / p.k));
  std::vector<const uint8_t*> data_ptrs(p.k);
  std::vector<uint8_t*> parity_ptrs(p.m);
  auto read_stripe = [&](uint64_t want) -> Result<size_t> {
    uint64_t first = std::min<uint64_t>(want, stripe.size());
    auto got = ReadFull(src, stripe.data(), first);
    if (!got.ok() || got.value() < first || first == want) return got;
    stripe.resize(stripe_data);  // the object is larger than announced
    for (auto& b : parity) b.resize(p.block_size);
    auto more = ReadFull(src, stripe.data() + first, want - first);
    if (!more.ok()) return more;
    return got.value() + more.value();
  };

  // Removes what this write already committed when it fails: nothing references it yet.
  auto fail = [&](const Status& st) -> Status {
    Delete(seg);
    return st;
  };

  bool eof = false;
  for (uint32_t chunk = 0; !eof; ++chunk) {
    // Read the chunk's first stripe before opening shard files: an empty tail makes no chunk.
    uint64_t want = std::min<uint64_t>(stripe_data, p.chunk_size);
    auto got = read_stripe(want);
    if (!got.ok()) return fail(got.status());
    if (got.value() == 0) break;

    auto drives = Place(p, chunk);
    if (!drives.ok()) return fail(drives.status());
    if (drives->size() != n) {
      return fail(Status::Unavailable("not enough healthy drives: need " + std::to_string(n) +
                                      ", placement returned " + std::to_string(drives->size())));
    }
    // A shard that fails is dropped (its writer aborted); the chunk stands if a quorum remains.
    std::vector<std::unique_ptr<ShardWriter>> writers(n);
    Status first_error;
    auto drop = [&](uint32_t i, const Status& st) {
      LogWarn("data", "shard " + ShardName(seg.data_id, chunk, i) + " on drive " +
                          drives.value()[i] + " failed: " + st.ToString());
      if (first_error.ok()) first_error = st;
      writers[i].reset();
    };
    auto alive = [&] {
      uint32_t a = 0;
      for (const auto& w : writers) a += w != nullptr;
      return a;
    };
    auto quorum_lost = [&] {
      return Status::Unavailable("write quorum not met: " + std::to_string(alive()) + " of " +
                                 std::to_string(n) + " shards writable, " +
                                 std::to_string(p.quorum) + " needed (first failure: " +
                                 first_error.ToString() + ")");
    };
    for (uint32_t i = 0; i < n; ++i) {
      auto w = transport_.OpenWriter({drives.value()[i], ShardName(seg.data_id, chunk, i)});
      if (w.ok()) {
        writers[i] = std::move(w.value());
      } else {
        drop(i, w.status());
      }
    }
    if (alive() < p.quorum) return fail(quorum_lost());

    uint64_t chunk_bytes = 0;
    uint64_t stripe_bytes = got.value();
    while (true) {
      if (md5 != nullptr) md5->Update(stripe.data(), stripe_bytes);
      uint64_t blen = (stripe_bytes + p.k - 1) / p.k;
      std::memset(stripe.data() + stripe_bytes, 0, blen * p.k - stripe_bytes);
      for (uint32_t i = 0; i < p.k; ++i) data_ptrs[i] = stripe.data() + i * blen;
      for (uint32_t i = 0; i < p.m; ++i) parity_ptrs[i] = parity[i].data();
      Status st = coder.Encode(data_ptrs.data(), parity_ptrs.data(), blen);
      if (!st.ok()) return fail(st);
      for (uint32_t i = 0; i < n; ++i) {
        if (writers[i] == nullptr) continue;
        const uint8_t* block = i < p.k ? data_ptrs[i] : parity_ptrs[i - p.k];
        std::string sum = Digest::Sha256Of(block, blen);
        st = writers[i]->Append(block, blen);
        if (st.ok()) st = writers[i]->Append(reinterpret_cast<const uint8_t*>(sum.data()), sum.size());
        if (!st.ok()) drop(i, st);
      }
      if (alive() < p.quorum) return fail(quorum_lost());
      chunk_bytes += stripe_bytes;
      if (stripe_bytes < want) {
        eof = true;
        break;
      }
      if (chunk_bytes == p.chunk_size) break;
      want = std::min<uint64_t>(stripe_data, p.chunk_size - chunk_bytes);
      got = read_stripe(want);
      if (!got.ok()) return fail(got.status());
      if (got.value() == 0) {
        eof = true;
        break;
      }
      stripe_bytes = got.value();
    }

    // The fsyncs dominate: commit the shards of the chunk in parallel.
    std::vector<std::future<Status>> commits(n);
    for (uint32_t i = 0; i < n; ++i) {
      if (writers[i] == nullptr) continue;
      commits[i] = std::async(std::launch::async, [&w = writers[i]] { return w->Commit(); });
    }
    uint32_t durable = 0;
    for (uint32_t i = 0; i < n; ++i) {
      if (!commits[i].valid()) continue;
      Status st = commits[i].get();
      if (st.ok()) {
        ++durable;
      } else {
        LogWarn("data", "shard " + ShardName(seg.data_id, chunk, i) + " on drive " +
                            drives.value()[i] + " failed to commit: " + st.ToString());
        if (first_error.ok()) first_error = st;
      }
    }
    seg.chunks.push_back({chunk_bytes, std::move(drives.value())});
    seg.size += chunk_bytes;
    if (durable < p.quorum) {
      return fail(Status::Unavailable("write quorum not met: " + std::to_string(durable) +
                                      " of " + std::to_string(n) + " shards durable, " +
                                      std::to_string(p.quorum) + " needed (first failure: " +
                                      first_error.ToString() + ")"));
    }
    if (durable < n && degraded != nullptr) *degraded = true;
  }
  return seg;
}

Status DataPath::ReadBlock(const Segment& seg, size_t chunk, uint32_t shard, uint64_t stripe,
                           uint8_t* out) {
  const ChunkLayout& layout = seg.chunks[chunk];
  StripeLayout sl{layout.size, seg.k, seg.block_size};
  const uint64_t blen = sl.BlockLength(stripe);
  return ReadVerified(transport_, {layout.drives[shard], ShardName(seg.data_id, chunk, shard)},
                      sl.ShardOffset(stripe), blen, out);
}

Status DataPath::ReadVerified(Transport& transport, const ShardRef& ref, uint64_t offset,
                              uint64_t len, uint8_t* out) {
  // The block and its checksum land in `out` directly: no staging copy on the read path.
  auto got = transport.Read(ref, offset, out, len + kBlockChecksumSize);
  if (!got.ok()) return got.status();
  if (got.value() != len + kBlockChecksumSize) return Status::Corruption("short shard");
  std::string sum = Digest::Sha256Of(out, len);
  if (std::memcmp(sum.data(), out + len, kBlockChecksumSize) != 0) {
    return Status::Corruption("block checksum mismatch");
  }
  return Status::Ok();
}

Status DataPath::ReadStripe(const Segment& seg, size_t chunk, uint64_t stripe, uint32_t first,
                            uint32_t last, std::vector<std::string>& blocks,
                            const std::string& what) {
  const ChunkLayout& layout = seg.chunks[chunk];
  StripeLayout sl{layout.size, seg.k, seg.block_size};
  const uint64_t blen = sl.BlockLength(stripe);
  const uint32_t n = seg.k + seg.m;
  std::vector<uint8_t> present(n, 0);

  auto read_block = [&](uint32_t i) -> Status {
    if (i >= layout.drives.size()) return Status::Corruption("no drive recorded");
    CAIRN_RETURN_IF_ERROR(
        ReadBlock(seg, chunk, i, stripe, reinterpret_cast<uint8_t*>(blocks[i].data())));
    present[i] = 1;
    return Status::Ok();
  };
  auto note = [&](uint32_t i, const Status& st) {
    LogWarn("data", "degraded read of " + what + ": shard " + ShardName(seg.data_id, chunk, i) +
                        " on drive " + (i < layout.drives.size() ? layout.drives[i] : "?") +
                        " stripe " + std::to_string(stripe) + ": " + st.ToString());
  };

  // Reads blocks in turn; returns the failures. Small blocks only: a thread per block costs
  // more than a page-cache read.
  auto read_each = [&](const std::vector<uint32_t>& which) {
    uint32_t failed = 0;
    for (uint32_t i : which) {
      Status st = read_block(i);
      if (!st.ok()) {
        note(i, st);
        ++failed;
      }
    }
    return failed;
  };

  std::vector<uint32_t> wanted;
  for (uint32_t i = first; i <= last; ++i) wanted.push_back(i);
  uint32_t good = 0;
  if (blen >= kParallelReadMinBlock && wanted.size() > 1) {
    // Large blocks sit on different drives (or nodes): read them in parallel, so a GET waits
    // for the slowest block rather than their sum, and hedge a slow one with parity.
    CAIRN_RETURN_IF_ERROR(ReadStripeHedged(seg, chunk, stripe, wanted, blocks, present, what));
    bool all = true;
    for (uint32_t i : wanted) all &= present[i] != 0;
    if (all) return Status::Ok();
    for (uint32_t i = 0; i < n; ++i) good += present[i];
  } else {
    if (read_each(wanted) == 0) return Status::Ok();
    // Systematic code: parity is read only now. Gather any k good blocks, then decode.
    for (uint32_t i = 0; i < n; ++i) good += present[i];
    uint32_t next = 0;  // the next candidate block not read yet
    while (good < seg.k) {
      std::vector<uint32_t> batch;
      for (; next < n && batch.size() < seg.k - good; ++next) {
        if (!present[next] && !(next >= first && next <= last)) batch.push_back(next);
      }
      if (batch.empty()) break;
      good += static_cast<uint32_t>(batch.size()) - read_each(batch);
    }
  }
  if (good < seg.k) {
    LogError("data", "unrecoverable stripe of " + what + ": data " + seg.data_id + " chunk " +
                         std::to_string(chunk) + " stripe " + std::to_string(stripe) + ": " +
                         std::to_string(good) + " good shards, " + std::to_string(seg.k) +
                         " needed");
    return Status::Internal("not enough shards to reconstruct");
  }
  auto coder = Coder(seg.codec, seg.k, seg.m);
  if (!coder.ok()) return coder.status();
  std::vector<uint8_t*> ptrs(n);
  for (uint32_t i = 0; i < n; ++i) ptrs[i] = reinterpret_cast<uint8_t*>(blocks[i].data());
  return coder.value()->Reconstruct(ptrs.data(), present.data(), blen);
}

Status DataPath::Read(const Segment& seg, uint64_t offset, uint64_t length,
                      const PayloadSink& sink, const std::string& what) {
  if (length == 0) return Status::Ok();
  std::vector<std::string> blocks(seg.k + seg.m,
                                  std::string(seg.block_size + kBlockChecksumSize, '\0'));
  uint64_t end = offset + length;
  uint64_t chunk_start = 0;
  for (size_t c = 0; c < seg.chunks.size() && chunk_start < end; ++c) {
    const ChunkLayout& layout = seg.chunks[c];
    uint64_t chunk_end = chunk_start + layout.size;
    if (chunk_end <= offset) {
      chunk_start = chunk_end;
      continue;
    }
    StripeLayout sl{layout.size, seg.k, seg.block_size};
    uint64_t lo = std::max(offset, chunk_start) - chunk_start;  // chunk-relative range
    uint64_t hi = std::min(end, chunk_end) - chunk_start;
    for (uint64_t s = lo / sl.StripeData(); s * sl.StripeData() < hi; ++s) {
      uint64_t stripe_start = s * sl.StripeData();
      uint64_t blen = sl.BlockLength(s);
      uint64_t a = std::max(lo, stripe_start) - stripe_start;  // stripe-relative
      uint64_t b = std::min(hi, stripe_start + sl.StripeBytes(s)) - stripe_start;
      uint32_t first = static_cast<uint32_t>(a / blen);
      uint32_t last = static_cast<uint32_t>((b - 1) / blen);
      CAIRN_RETURN_IF_ERROR(ReadStripe(seg, c, s, first, last, blocks, what));
      for (uint32_t i = first; i <= last; ++i) {
        uint64_t block_lo = std::max<uint64_t>(a, i * blen) - i * blen;
        uint64_t block_hi = std::min<uint64_t>(b, (i + 1) * blen) - i * blen;
        CAIRN_RETURN_IF_ERROR(sink(reinterpret_cast<const uint8_t*>(blocks[i].data()) + block_lo,
                                   block_hi - block_lo));
      }
    }
    chunk_start = chunk_end;
  }
  return Status::Ok();
}

void DataPath::Delete(const Segment& seg) {
  for (size_t c = 0; c < seg.chunks.size(); ++c) {
    for (size_t i = 0; i < seg.chunks[c].drives.size(); ++i) {
      Status st = transport_.Remove({seg.chunks[c].drives[i], ShardName(seg.data_id, c, i)});
      if (!st.ok() && !st.IsNotFound()) {
        LogWarn("data", "could not remove shard " + ShardName(seg.data_id, c, i) +
                            " (left for the scrubber): " + st.ToString());
      }
    }
  }
}

}  // namespace cairn
