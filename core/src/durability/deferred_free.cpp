#include "durability/deferred_free.h"

#include <algorithm>
#include <map>

#include "meta/for_each_key.h"
#include "meta/keys.h"
#include "meta/records.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {
namespace {

// An unreadable lease counts as expired: it cannot hold anything off forever.
int64_t ExpiresMs(const KeyValue& kv) {
  ReadLeaseRecord lease;
  Status st = Decode(kv.value, &lease);
  if (!st.ok()) {
    LogWarn("free", "unreadable read lease " + kv.key + ": " + st.ToString());
    return 0;
  }
  return lease.expires_ms;
}

}  // namespace

void DeferredFree::Schedule(Txn& txn, const std::vector<Segment>& segments, int64_t due_ms) {
  if (segments.empty()) return;
  txn.Put(keys::Garbage(due_ms, segments.front().data_id), Encode(GarbageRecord{due_ms, segments}));
}

DeferredFree::~DeferredFree() { Stop(); }

void DeferredFree::Start(std::chrono::milliseconds period) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  thread_ = std::thread([this, period] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, period, [this] { return stop_; })) {
      lock.unlock();
      auto pass = RunOnce(NowMillis());
      if (!pass.ok()) LogWarn("free", "deferred free pass failed: " + pass.status().ToString());
      lock.lock();
    }
  });
}

void DeferredFree::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void DeferredFree::FreeIfDue(const KeyValue& kv, const std::map<std::string, int64_t>& leased,
                             PassReport* report) {
  if (leased.count(keys::GarbageDataId(kv.key)) > 0) {
    ++report->postponed;
    return;
  }
  GarbageRecord garbage;
  Status st = Decode(kv.value, &garbage);
  if (st.ok()) {
    for (const auto& s : garbage.segments) data_.Delete(s);
  } else {
    LogError("free", "unreadable deferred free " + kv.key +
                         " (its shards are left to the scrubber's orphan collection): " +
                         st.ToString());
  }
  Txn txn;
  txn.Require(kv.key, TxnCondition::kValueEquals, kv.value);
  txn.Delete(kv.key);
  st = meta_.Commit(txn);
  if (st.ok()) {
    ++report->freed;
  } else if (!st.IsConflict()) {  // a conflict: another gateway's pass freed it first
    LogWarn("free", "deferred free " + kv.key + " stays for the next pass: " + st.ToString());
  }
}

Result<DeferredFree::PassReport> DeferredFree::RunOnce(int64_t now_ms) {
  PassReport report;
  // Leases first, in one scan: they exist only for reads longer than half the delay, so the
  // family is small. A lease that matters was written about half a delay before its version's
  // free fell due, so it is in this scan of a pass that finds the entry due.
  std::map<std::string, int64_t> leased;  // data id -> latest expiry
  CAIRN_RETURN_IF_ERROR(
      ForEachKeyWithPrefix(meta_, keys::kReadLeasePrefix, [&](const KeyValue& kv) {
        const int64_t expires = ExpiresMs(kv);
        if (expires > now_ms) {
          int64_t& latest = leased[keys::ReadLeaseDataId(kv.key)];
          latest = std::max(latest, expires);
          return;
        }
        // Expired: its reader ended without deleting it (a gateway died). Conditional, so that
        // a late renewal wins.
        Txn txn;
        txn.Require(kv.key, TxnCondition::kValueEquals, kv.value);
        txn.Delete(kv.key);
        if (meta_.Commit(txn).ok()) ++report.leases_removed;
      }));
  CAIRN_RETURN_IF_ERROR(ForEachKey(meta_, keys::kGarbagePrefix, keys::GarbageDueEnd(now_ms),
                                   [&](const KeyValue& kv) { FreeIfDue(kv, leased, &report); }));
  return report;
}

}  // namespace cairn
