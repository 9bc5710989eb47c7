#include "durability/read_leases.h"

#include <algorithm>
#include <vector>

#include "meta/keys.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {

ReadLeases::ReadLeases(MetaStore& meta, std::chrono::milliseconds delay)
    : meta_(meta), delay_(delay) {}

ReadLeases::~ReadLeases() { Stop(); }

void ReadLeases::Start() {
  std::lock_guard<std::mutex> lock(mutex_);
  if (thread_.joinable()) return;
  stop_ = false;
  const auto tick = std::clamp<std::chrono::milliseconds>(delay_ / 8, std::chrono::milliseconds(50),
                                                          std::chrono::seconds(30));
  thread_ = std::thread([this, tick] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!wake_.wait_for(lock, tick, [this] { return stop_; })) {
      lock.unlock();
      RenewDue(Clock::now(), NowMillis());
      lock.lock();
    }
  });
}

void ReadLeases::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

uint64_t ReadLeases::Begin(const ObjectRecord& object) {
  Read read{object.segments.front().data_id, Clock::now(), {}};
  std::lock_guard<std::mutex> lock(mutex_);
  const uint64_t token = ++next_token_;
  reads_.emplace(token, std::move(read));
  return token;
}

void ReadLeases::End(uint64_t token) {
  std::string lease_key;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = reads_.find(token);
    if (it == reads_.end()) return;
    lease_key = std::move(it->second.lease_key);
    reads_.erase(it);
  }
  if (lease_key.empty()) return;  // a short read: it wrote nothing
  Txn txn;
  txn.Delete(lease_key);
  Status st = meta_.Commit(txn);
  if (!st.ok()) {
    LogWarn("free", "a read lease stays until it expires: " + st.ToString());
  }
}

void ReadLeases::RenewDue(Clock::time_point now, int64_t wall_ms) {
  struct Due {
    uint64_t token;
    std::string key;
  };
  std::vector<Due> due;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    for (auto& [token, read] : reads_) {
      if (now - read.since < delay_ / 2) continue;
      if (read.lease_key.empty()) read.lease_key = keys::ReadLease(read.data_id, RandomHex(8));
      due.push_back({token, read.lease_key});
    }
  }
  if (due.empty()) return;
  const std::string value = Encode(ReadLeaseRecord{wall_ms + delay_.count()});
  for (const auto& d : due) {
    Txn txn;
    txn.Put(d.key, value);
    Status st = meta_.Commit(txn);
    bool ended = false;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      auto it = reads_.find(d.token);
      ended = it == reads_.end();
      if (!ended && st.ok()) it->second.since = now;
    }
    if (!st.ok()) {
      // Retried at the next tick; the margin before the free is due is about half a delay.
      LogWarn("free", "cannot write a read lease (retrying): " + st.ToString());
    }
    if (ended) {
      // The read ended while its lease was being written; End may have deleted it before.
      Txn undo;
      undo.Delete(d.key);
      (void)meta_.Commit(undo);
    }
  }
}

size_t ReadLeases::reads() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return reads_.size();
}

size_t ReadLeases::leased() const {
  std::lock_guard<std::mutex> lock(mutex_);
  size_t n = 0;
  for (const auto& [_, read] : reads_) n += !read.lease_key.empty();
  return n;
}

}  // namespace cairn
