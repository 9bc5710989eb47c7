// RepairQueue: finishes writes that reached their quorum but not every drive. A degraded PUT
// or part upload records "q/<data id>" in the same transaction that publishes it; a
// background thread drains the queue, rebuilding the missing shards (onto the same drive once
// it is healthy again, or onto another healthy drive), and removes an entry once its segment
// is whole or no longer exists. Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <thread>

#include "objects/services.h"

namespace cairn {

class RepairQueue {
 public:
  explicit RepairQueue(Services& svc);
  ~RepairQueue();
  void Start();
  void Stop();
  // Runs one drain now (the worker also drains every repair_interval_seconds).
  void Wake();
  // Entries waiting; an error reads the store.
  Result<uint64_t> Queued() const;
  // Drains once on the calling thread; returns the entries completed.
  Result<uint64_t> DrainOnce();

 private:
  void Run();

  Services& svc_;
  std::thread thread_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  bool woken_ = false;
};

}  // namespace cairn
