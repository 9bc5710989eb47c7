// RateLimiter: paces a background worker (scrubber, rebalancer) to a byte rate by sleeping
// until the bytes handled since Restart() fit the rate. Not thread-safe: one per worker thread.
#pragma once

#include <chrono>
#include <cstdint>
#include <thread>

#include "util/clock.h"

namespace cairn {

class RateLimiter {
 public:
  // Starts a new measuring period at now.
  void Restart() {
    bytes_ = 0;
    start_ms_ = NowMillis();
  }
  // Accounts `bytes` about to be handled and sleeps as long as the rate asks (0: unlimited).
  void Take(uint64_t bytes, int64_t bytes_per_second) {
    if (bytes_per_second <= 0) return;
    bytes_ += bytes;
    int64_t due_ms = start_ms_ + static_cast<int64_t>(bytes_ * 1000 / bytes_per_second);
    int64_t now = NowMillis();
    if (due_ms > now) std::this_thread::sleep_for(std::chrono::milliseconds(due_ms - now));
  }

 private:
  uint64_t bytes_ = 0;
  int64_t start_ms_ = 0;
};

}  // namespace cairn
