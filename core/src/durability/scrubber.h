// Scrubber: the background worker that keeps stored data whole. A pass reads every shard
// block of every object (or of one bucket, or only the shards on one drive after it was
// replaced), verifies its SHA-256, rebuilds what is missing or corrupt from the survivors,
// and -- on full passes -- aborts multipart uploads older than multipart_expiry_seconds,
// deletes part keys left behind by completed or aborted uploads, and removes orphan shard
// files (no record refers to them) older than the grace period -- except the shards of
// replaced versions that the deferred free will remove once no reader needs them
// (deferred_free.h). Reads are rate-limited (storage.scrub_bytes_per_second); passes also run
// every storage.scrub_interval_seconds. Progress is kept in memory for `cairn admin scrub`.
// Thread-safe.
#pragma once

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cairn/transport.h"
#include "objects/services.h"
#include "util/rate_limiter.h"

namespace cairn {

struct ScrubProgress {
  bool running = false;
  std::string bucket;  // empty: every bucket
  std::string drive;   // non-empty: a drive-replacement pass
  uint64_t objects_total = 0;
  uint64_t objects_checked = 0;
  uint64_t shards_checked = 0;
  uint64_t shards_repaired = 0;
  uint64_t orphans_removed = 0;
  uint64_t uploads_expired = 0;
  uint64_t bytes_verified = 0;
  std::vector<std::string> unrecoverable;  // "bucket/key"
  std::vector<std::string> errors;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

class Scrubber {
 public:
  Scrubber(Services& svc, Transport& transport) : svc_(svc), transport_(transport) {}
  ~Scrubber();
  // Starts the periodic passes (when storage.scrub_interval_seconds > 0).
  void StartPeriodic();
  // Starts a pass in the background; Conflict when one is running. `drive` limits the pass to
  // rebuilding what a replaced drive should hold.
  Status Start(const std::string& bucket, const std::string& drive = "");
  ScrubProgress Progress() const;
  // Waits for the current pass to finish (for tests and `--now` within the process).
  void Wait();

 private:
  void RunPass(const std::string& bucket, const std::string& drive);
  void ScrubRecords(const std::string& prefix, const std::string& drive);
  void RemoveStrayParts();
  void RemoveOrphans();
  void ExpireUploads();
  // Removes the answers of completed uploads older than kCompletedUploadKeepMs.
  void ForgetCompletedUploads();
  void Throttle(uint64_t bytes);
  template <typename Fn>
  void Update(Fn&& fn) {
    std::lock_guard<std::mutex> lock(mutex_);
    fn(progress_);
  }

  Services& svc_;
  Transport& transport_;
  mutable std::mutex mutex_;
  std::condition_variable changed_;
  ScrubProgress progress_;
  std::thread pass_;
  std::thread periodic_;
  bool stop_ = false;
  RateLimiter rate_;  // used by the pass thread only
};

}  // namespace cairn
