// ReadLeases: the gateway's ReadRegistry (data/read_registry.h), which keeps the deferred free
// (deferred_free.h) off the shards of object versions that GETs and copies are still reading.
//
// Reads register in memory only: a read shorter than half of the free delay writes no
// metadata at all (a mutex and a map entry per GET). A background thread writes a lease
// "r/<data id>/<reader id>" (ReadLeaseRecord, expiring one free delay later) for each read that
// has gone on for half the delay, renews it every half delay, and the read deletes it when it
// ends. The data id is that of the version's first segment, which also names its deferred
// free: one key per long read, however many segments the object has. The deferred free
// postpones a due entry while it has an unexpired lease; a gateway that dies leaves leases that
// expire, and the deferred free deletes them.
//
// Why a lease always comes in time: the free of a version is due one delay after the
// transaction that replaced it was built, and the reader loaded the record before that
// transaction committed. The lease is written at most half a delay, one tick and one commit
// after the read began, so it exists about half a delay before the free is due; that margin
// also covers the clock skew between gateways (expiries and due times are wall-clock times).
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

#include "cairn/meta_store.h"
#include "data/read_registry.h"

namespace cairn {

class ReadLeases final : public ReadRegistry {
 public:
  using Clock = std::chrono::steady_clock;

  // `delay`: storage.free_delay_seconds. REQUIRES: delay > 0.
  ReadLeases(MetaStore& meta, std::chrono::milliseconds delay);
  ~ReadLeases() override;  // stops the thread; reads still registered keep their leases

  // Starts the thread that writes and renews leases (every delay/8, between 50 ms and 30 s).
  void Start();
  void Stop();

  uint64_t Begin(const ObjectRecord& object) override;
  void End(uint64_t token) override;

  // Writes or renews the lease of every read that has gone on for half the delay since it
  // began or since its lease was last written; leases expire at wall_ms + delay. The thread
  // calls this every tick; tests call it with times of their choosing.
  void RenewDue(Clock::time_point now, int64_t wall_ms);

  // Reads registered now, and how many of them hold a lease.
  size_t reads() const;
  size_t leased() const;

 private:
  struct Read {
    std::string data_id;
    Clock::time_point since;  // the read's start, then its lease's last write
    std::string lease_key;    // empty until the first lease is written
  };

  MetaStore& meta_;
  const std::chrono::milliseconds delay_;
  mutable std::mutex mutex_;
  std::unordered_map<uint64_t, Read> reads_;  // by token
  uint64_t next_token_ = 0;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cairn
