// ClusterMap: which storage nodes make up the cluster -- their URLs, zones, weights and
// drives, and whether they are active or draining -- kept in the metadata engine under "n/",
// so that every gateway sees the same map and it survives restarts (in a cluster the engine is
// etcd: the map is as consistent and as replicated as the rest of the metadata).
//
// Every gateway runs one. Sync() reads the map and points the transport at its nodes; a
// background refresh repeats that every few seconds, so a change made through one gateway
// reaches the others within one refresh. The first gateway of a new cluster seeds the map from
// the nodes its transport was configured with ([transport.http] nodes), once all of them have
// answered, so no node is left out because it started a little late.
//
// Transports without nodes (transport/local) leave the map disabled and empty.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "cairn/meta_store.h"
#include "cairn/transport.h"
#include "cluster/node_record.h"

namespace cairn {

class ClusterMap {
 public:
  ClusterMap(MetaStore& meta, Transport& transport);
  ~ClusterMap();

  bool enabled() const { return enabled_; }
  // OK when enabled; otherwise the InvalidArgument every cluster command answers.
  Status Clustered() const;
  // Reads the map (seeding it when the store has none) and applies it to the transport.
  // Unavailable while seeding waits for a configured node to answer.
  Status Sync();
  // For a drive the transport does not know: syncs now (at most twice a second) and says
  // whether the set of nodes changed, i.e. whether a retry may find the drive. This is what
  // lets a gateway read a shard the rebalancer moved to a node it has not heard of yet.
  bool Resync();
  // Syncs every `every` in the background until destruction.
  void StartRefresh(std::chrono::milliseconds every);
  // Called after this gateway changed the map (the rebalancer listens).
  void OnChange(std::function<void()> fn);

  // The map as of the last Sync, in name order.
  std::vector<NodeRecord> Nodes() const;
  // Adds the node at `url` as it reports itself (name, zone, drives). Conflict when its name,
  // URL or a drive id is already in the map; Unavailable when it does not answer.
  Result<NodeRecord> AddNode(const std::string& url, double weight);
  // Marks the node draining (no new shards; the rebalancer moves its shards away) or active
  // again. Idempotent. NotFound for an unknown name.
  Result<NodeRecord> SetState(const std::string& name, const std::string& state);
  // Changes the node's placement weight (0 < weight <= 1000); the rebalancer follows.
  Result<NodeRecord> SetWeight(const std::string& name, double weight);
  // Takes the node out of the map; `drives_in_use` counts the shards records still place on
  // its drives. Without `force`, the node must be draining and hold no shard.
  Status Remove(const std::string& name, bool force,
                const std::function<Result<uint64_t>(const std::set<std::string>&)>& drives_in_use);

  // Sets `draining` and `weight` on the drives of nodes in the map.
  void Annotate(std::vector<DriveInfo>* drives) const;

 private:
  Result<std::vector<NodeRecord>> Load() const;
  // Creates the map from the transport's configured nodes; Unavailable until all answered.
  Status Seed();
  Result<NodeRecord> Find(const std::string& name) const;
  // Applies `change` to the node's record in a transaction conditioned on the record.
  Result<NodeRecord> Update(const std::string& name, const std::function<void(NodeRecord*)>& change);
  static Status CheckWeight(double weight);
  // Sync, then tell the listener.
  void Changed();

  MetaStore& meta_;
  Transport& transport_;
  bool enabled_ = false;
  std::mutex sync_mutex_;  // serializes Sync
  mutable std::mutex mutex_;
  std::vector<NodeRecord> nodes_;     // guarded by mutex_
  std::vector<std::string> applied_;  // the URLs last given to the transport; guarded by mutex_
  uint64_t generation_ = 0;           // bumped when applied_ changes; guarded by mutex_
  int64_t last_resync_ms_ = 0;        // guarded by mutex_
  std::function<void()> on_change_;   // guarded by mutex_
  std::condition_variable stop_cv_;
  bool stop_ = false;
  std::thread refresh_;
};

}  // namespace cairn
