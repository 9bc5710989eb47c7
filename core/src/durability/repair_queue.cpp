#include "durability/repair_queue.h"

#include "durability/stored_segments.h"
#include "meta/keys.h"
#include "util/log.h"

namespace cairn {

RepairQueue::RepairQueue(Services& svc) : svc_(svc) {}

RepairQueue::~RepairQueue() { Stop(); }

void RepairQueue::Start() { thread_ = std::thread([this] { Run(); }); }

void RepairQueue::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void RepairQueue::Wake() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

Result<uint64_t> RepairQueue::Queued() const {
  std::vector<KeyValue> rows;
  std::string prefix(keys::kRepairPrefix);
  CAIRN_RETURN_IF_ERROR(svc_.meta.Scan(prefix, keys::PrefixEnd(prefix), 0, &rows));
  return static_cast<uint64_t>(rows.size());
}

Result<uint64_t> RepairQueue::DrainOnce() {
  std::vector<KeyValue> rows;
  std::string prefix(keys::kRepairPrefix);
  CAIRN_RETURN_IF_ERROR(svc_.meta.Scan(prefix, keys::PrefixEnd(prefix), 1000, &rows));
  uint64_t done = 0;
  for (const auto& kv : rows) {
    std::string data_id = kv.key.substr(prefix.size());
    auto r = RepairStoredSegments(svc_, kv.value, data_id, /*verify=*/false, nullptr);
    if (!r.ok()) {
      LogWarn("repair", "segment " + data_id + " of " + keys::Describe(kv.value) +
                            " stays queued: " + r.status().ToString());
      continue;
    }
    // Unrebuildable or failed chunks stay queued: the scrubber reports the former, and the
    // latter (no healthy drive yet, I/O errors) are retried on the next drain.
    if (r->found && (r->report.chunks_lost > 0 || !r->report.errors.empty())) continue;
    Txn txn;
    txn.Require(kv.key, TxnCondition::kValueEquals, kv.value);
    txn.Delete(kv.key);
    if (svc_.meta.Commit(txn).ok()) ++done;
  }
  return done;
}

void RepairQueue::Run() {
  while (true) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(svc_.config.storage.repair_interval_seconds),
                     [this] { return stop_ || woken_; });
      if (stop_) return;
      woken_ = false;
    }
    auto done = DrainOnce();
    if (!done.ok()) LogWarn("repair", "draining the repair queue failed: " + done.status().ToString());
  }
}

}  // namespace cairn
