// LifecycleWorker: applies the buckets' lifecycle policies in the background.
//
// What it looks at comes from the due index (meta/keys.h, d/<due>/<bucket>/<key>): every change
// to a key in a bucket under lifecycle marks the key due now (objects/lifecycle_due.h), and each
// evaluation of a key leaves one mark for the earliest time its policy names (`next`). So a pass
// reads the marks due by its time, not every object; only a change of a bucket's rules (or of
// its script) makes a pass walk that bucket's keys once (the intake, resumable: its progress is
// kept at e/<bucket>).
//
// For a due key the worker loads its versions and uploads, asks the bucket's Lua policy
// (policy/lifecycle_policy.h) about each, and applies the answer through the object model:
// "expire" is DeleteObject (a delete marker in a versioned bucket) conditioned on the current
// version being the one evaluated; "delete" is DeleteObjectVersion, which refuses locked
// versions (object lock: nothing here bypasses it); "abort" is AbortUpload; "transition"
// re-encodes the version's data into the target class (lifecycle/transition.h). The mark goes
// in the transaction that leaves the next one, after the action: a crash repeats an
// evaluation, never loses one. A failing script or action is counted, its message kept for
// `cairn admin lifecycle status`, and the key looked at again later; the pass goes on.
//
// One pass at a time in the cluster: a pass holds the lease "l/lifecycle" (the rebalancer's
// pattern), whose value is also its progress. Keys are evaluated at most
// [lifecycle] actions_per_second. Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <set>
#include <string>
#include <thread>

#include "meta/records.h"
#include "objects/services.h"
#include "objects/versions.h"
#include "policy/lifecycle_policy.h"
#include "util/rate_limiter.h"

namespace cairn {

struct LifecycleProgress {
  std::string state = "idle";  // "running" or "idle"
  std::string gateway;         // the gateway that ran or runs the pass
  int64_t expires_ms = 0;      // the lease
  int64_t at_ms = 0;           // the time the pass evaluates as (now, or `run --at`)
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  uint64_t keys_evaluated = 0;
  uint64_t objects_expired = 0;       // current versions expired (delete marker or removed)
  uint64_t versions_deleted = 0;      // noncurrent versions removed for good
  uint64_t delete_markers_removed = 0;
  uint64_t transitions = 0;
  uint64_t bytes_transitioned = 0;
  uint64_t uploads_aborted = 0;
  uint64_t locked_skipped = 0;  // versions a policy wanted gone that object lock keeps
  uint64_t errors = 0;
  std::string last_error;  // the latest failure (a script error, a failed action)
  uint64_t buckets_scanned = 0;  // intakes finished by this pass (rules changed)
};

std::string ToJson(const LifecycleProgress& p);
Status FromJson(std::string_view json, LifecycleProgress* p);

class LifecycleWorker {
 public:
  // Loads the default script and every [lifecycle.buckets] script: a broken one fails here.
  static Result<std::unique_ptr<LifecycleWorker>> Create(Services& svc,
                                                         const policy::SandboxLimits& limits);
  ~LifecycleWorker() { Stop(); }

  // Runs a pass every [lifecycle] interval_seconds (none when 0).
  void Start();
  void Stop();
  // One pass now, evaluating as if the time were `at_ms`; returns its progress. Waits for a
  // pass of this gateway's timer; Conflict when another gateway's pass holds the lease.
  Result<LifecycleProgress> RunNow(int64_t at_ms);
  // The last or current pass in the cluster.
  Result<LifecycleProgress> Progress() const;
  // Marks due by `at_ms` that are waiting.
  Result<uint64_t> DueCount(int64_t at_ms) const;

 private:
  explicit LifecycleWorker(Services& svc);
  void Run();
  bool Stopping();
  // Takes or renews the lease and publishes progress_ (every few seconds, or now on release).
  bool Publish(bool release);
  void Pass(int64_t at_ms);
  bool Intake(const std::string& bucket, const std::string& generation, int64_t at_ms);
  bool DueKeys(int64_t at_ms);
  // Evaluates every version and upload of one key; returns when to look again (-1: not
  // unless it changes).
  int64_t EvaluateKey(const std::string& bucket, const std::string& key, int64_t at_ms);
  // Evaluates one version and applies the answer; returns when to look again (-1: not unless
  // it changes).
  int64_t EvaluateVersion(const BucketRecord& bucket_record, const std::string& bucket,
                          const std::string& key, const LoadedVersion& v,
                          int64_t noncurrent_since_ms, int64_t newer_noncurrent,
                          bool only_version, int64_t at_ms);
  void Fail(const std::string& what);
  policy::LifecyclePolicy* PolicyFor(const std::string& bucket);

  Services& svc_;
  std::unique_ptr<policy::LifecyclePolicy> default_policy_;
  std::map<std::string, std::unique_ptr<policy::LifecyclePolicy>> bucket_policies_;
  std::set<std::string> storage_classes_;
  const std::string gateway_;

  std::mutex pass_mutex_;  // one pass at a time in this process (timer or RunNow)
  LifecycleProgress progress_;
  std::string lease_value_;
  int64_t published_ms_ = 0;
  RateLimiter rate_;
  std::set<std::string> locked_seen_;  // versions object lock kept, this pass

  std::mutex mutex_;  // guards stop_
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cairn
