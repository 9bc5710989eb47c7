// DataPath::ReadStripeHedged: parallel block reads that do not wait for a straggler.
#include <algorithm>
#include <cstring>
#include <memory>
#include <thread>

#include "data/data_path.h"
#include "data/stripe_layout.h"
#include "util/log.h"

namespace cairn {
namespace {

// The reads of one stripe, shared with the threads doing them: a thread may still be reading
// (into its own slot's buffer) after ReadStripeHedged has returned.
struct StripeReads {
  struct Slot {
    std::string buffer;  // the block and its checksum
    bool done = false;
    Status status;
  };
  std::mutex mutex;
  std::condition_variable changed;
  std::map<uint32_t, Slot> slots;  // by shard index; map nodes never move
};

}  // namespace

DataPath::~DataPath() {
  std::unique_lock<std::mutex> lock(reads_mutex_);
  reads_done_.wait(lock, [this] { return reads_running_ == 0; });
}

Status DataPath::ReadStripeHedged(const Segment& seg, size_t chunk, uint64_t stripe,
                                  const std::vector<uint32_t>& wanted,
                                  std::vector<std::string>& blocks, std::vector<uint8_t>& present,
                                  const std::string& what) {
  const ChunkLayout& layout = seg.chunks[chunk];
  const StripeLayout sl{layout.size, seg.k, seg.block_size};
  const uint64_t blen = sl.BlockLength(stripe);
  const uint32_t n = seg.k + seg.m;
  auto reads = std::make_shared<StripeReads>();

  // Starts reading shard i on a thread that owns copies of everything it needs.
  auto start = [&](uint32_t i) {
    StripeReads::Slot* slot;
    {
      std::lock_guard<std::mutex> lock(reads->mutex);
      slot = &reads->slots[i];
    }
    slot->buffer.resize(blen + kBlockChecksumSize);
    {
      std::lock_guard<std::mutex> lock(reads_mutex_);
      ++reads_running_;
    }
    ShardRef ref{i < layout.drives.size() ? layout.drives[i] : "", ShardName(seg.data_id, chunk, i)};
    std::thread([this, reads, slot, ref = std::move(ref), offset = sl.ShardOffset(stripe), blen] {
      Status st = ref.drive_id.empty() ? Status::Corruption("no drive recorded")
                                       : ReadVerified(transport_, ref, offset, blen,
                                                      reinterpret_cast<uint8_t*>(slot->buffer.data()));
      {
        std::lock_guard<std::mutex> lock(reads->mutex);
        slot->status = st;
        slot->done = true;
      }
      reads->changed.notify_all();
      std::lock_guard<std::mutex> lock(reads_mutex_);
      --reads_running_;
      reads_done_.notify_all();
    }).detach();
  };

  for (uint32_t i : wanted) start(i);
  const auto hedge_at = std::chrono::steady_clock::now() + hedge_after_;
  // Only a whole stripe is hedged: parity stands in for a slow data block at the cost of one
  // extra read, whereas a partial read would need k blocks to decode instead of a few.
  bool hedged = hedge_after_.count() == 0 || wanted.size() != seg.k;
  uint32_t next = 0;  // the next shard index that may still be started
  auto start_more = [&](uint32_t count) {
    for (; count > 0 && next < n; ++next) {
      if (reads->slots.count(next) == 0) {
        start(next);
        --count;
      }
    }
  };

  std::unique_lock<std::mutex> lock(reads->mutex);
  for (;;) {
    uint32_t good = 0, pending = 0;
    for (const auto& [i, slot] : reads->slots) {
      good += slot.done && slot.status.ok();
      pending += !slot.done;
    }
    bool wanted_ok = true;
    for (uint32_t i : wanted) wanted_ok &= reads->slots[i].done && reads->slots[i].status.ok();
    if (wanted_ok || good >= seg.k) break;
    if (good + pending < seg.k) {
      if (next < n) {  // failures: read as many more blocks as could still make up k
        lock.unlock();
        start_more(seg.k - good - pending);
        lock.lock();
        continue;
      }
      if (pending == 0) break;  // nothing left to read: the caller reports the loss
    } else if (!hedged) {
      if (reads->changed.wait_until(lock, hedge_at) == std::cv_status::timeout) {
        hedged = true;  // stragglers: race them with as many parity reads
        lock.unlock();
        start_more(pending);
        lock.lock();
      }
      continue;
    }
    reads->changed.wait(lock);
  }

  // Take the finished blocks; the threads of unfinished ones keep their own buffers.
  for (auto& [i, slot] : reads->slots) {
    if (!slot.done) continue;
    if (!slot.status.ok()) {
      LogWarn("data", "degraded read of " + what + ": shard " + ShardName(seg.data_id, chunk, i) +
                          " stripe " + std::to_string(stripe) + ": " + slot.status.ToString());
      continue;
    }
    blocks[i].swap(slot.buffer);  // the thread is done with it
    blocks[i].resize(seg.block_size + kBlockChecksumSize);
    present[i] = 1;
  }
  return Status::Ok();
}

}  // namespace cairn
