// Rebalancer: after nodes join, drain or change weight, moves shards to the drives placement
// now chooses for them, in the background and rate-limited, while reads and writes go on.
//
// A pass walks every object record (parts of uploads in progress stay put: moving one could
// race CompleteMultipartUpload; they move once they belong to an object). For each chunk it asks the placement policy where
// the chunk's k+m shards belong today; shards on drives outside that set are copied (block by
// block, every checksum verified) to the drives of the set that hold none, then the record is
// updated in a transaction conditioned on it being unchanged. If the object changed meanwhile
// the copies are removed again and the next pass retries. The old copies stay for
// storage.rebalance_release_seconds, so a GET that loaded the old layout still finds them.
//
// A pass runs only while every drive of the cluster is healthy: with a node down, placement
// would route around it and the pass would move data for a passing failure (repair's job).
// When the failure heals, a pass follows by itself: it moves what was written during the
// outage (placed around the missing drives) back to where placement wants it, restoring the
// zone spread.
//
// Every gateway runs a rebalancer, but one pass runs at a time in the cluster: a pass holds the
// lease "l/rebalancer" in the metadata engine (renewed while it runs), whose value is also the
// pass's progress, so `cairn admin cluster status` shows it through any gateway.
// Thread-safe.
#pragma once

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cluster/cluster_map.h"
#include "policy/placement_policy.h"
#include "objects/services.h"
#include "util/rate_limiter.h"

namespace cairn {

struct RebalanceProgress {
  std::string state = "idle";  // "running", "waiting" (for unhealthy drives) or "idle"
  std::string detail;          // why it waits, or the last error
  std::string gateway;         // the gateway that ran or runs the pass
  int64_t expires_ms = 0;      // the lease: another gateway may start a pass after this
  uint64_t records_total = 0;
  uint64_t records_checked = 0;
  uint64_t shards_misplaced = 0;  // found by this pass
  uint64_t shards_moved = 0;
  uint64_t bytes_moved = 0;
  uint64_t errors = 0;
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
};

std::string ToJson(const RebalanceProgress& p);
Status FromJson(std::string_view json, RebalanceProgress* p);

class Rebalancer {
 public:
  // From a cluster map change (or a healed failure) to the pass it asks for: more than two of
  // the gateways' map refreshes, so every gateway knows the new nodes before shards move.
  static constexpr int64_t kSettleMs = 5'000;

  Rebalancer(Services& svc, ClusterMap& map, policy::PlacementPolicy& placement);
  ~Rebalancer() { Stop(); }
  void Start();  // does nothing when the cluster map is disabled
  void Stop();
  // Asks for a pass as soon as the lease allows, after `delay_ms` (a map change waits for
  // every gateway's map refresh to see it; an operator's request does not wait).
  void Wake(int64_t delay_ms);
  // The progress of the last or current pass in the cluster (state "idle", all zero, before
  // the first one).
  Result<RebalanceProgress> Progress() const;
  // How many shards the object and part records place on `drives`.
  static Result<uint64_t> CountShardsOn(MetaStore& meta, const std::set<std::string>& drives);

 private:
  // An old copy to remove once no GET can still be using the layout that named it.
  struct OldCopy {
    int64_t due_ms;
    ShardRef copy;
    std::string record_key;
  };
  void Run();
  bool Stopping();
  // Takes or renews the lease (when absent, expired or ours) and publishes progress_ in it;
  // with `release`, hands it back. False when another gateway holds it. Renewals closer
  // together than a few seconds are skipped.
  bool Publish(bool release);
  void Pass();
  void Objects(const std::vector<DriveInfo>& drives);  // current, then noncurrent versions
  // One key family's records; false when the pass must stop.
  bool Family(const std::string& family, const std::vector<DriveInfo>& drives);
  void Rebalance(const KeyValue& record, const std::vector<DriveInfo>& drives);
  // Whether the record at `key` (now) places a shard at `ref`.
  bool References(const std::string& key, const ShardRef& ref);
  // Whether the record was overwritten or deleted since it was read.
  bool Changed(const KeyValue& record);
  // Removes the old copies whose time has come.
  void Release();
  // True when every drive is healthy now and some drive was not at the last call.
  bool Healed();

  Services& svc_;
  ClusterMap& map_;
  policy::PlacementPolicy& placement_;
  const std::string gateway_;

  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  int64_t wanted_at_ms_ = 0;  // when a requested pass is due; 0: none requested
  std::thread thread_;

  // Used by the worker thread only.
  RebalanceProgress progress_;
  std::string lease_value_;  // what this gateway last wrote to the lease key, while held
  int64_t published_ms_ = 0;
  bool unhealthy_seen_ = false;
  RateLimiter rate_;
  std::deque<OldCopy> releases_;
};

}  // namespace cairn
