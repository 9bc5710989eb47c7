// NodeAssembly: builds a running gateway from a Config: loads the plugins, creates the meta,
// transport, auth and codec instances, the cluster map, the placement policy and the data path,
// and serves S3.
// Owns everything it builds; destruction stops the server first.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "cairn/authenticator.h"
#include "cairn/codec.h"
#include "cairn/meta_store.h"
#include "cairn/transport.h"
#include "cluster/cluster_map.h"
#include "cluster/mapped_transport.h"
#include "cluster/rebalancer.h"
#include "lifecycle/lifecycle_worker.h"
#include "config/config.h"
#include "data/data_path.h"
#include "durability/deferred_free.h"
#include "durability/read_leases.h"
#include "durability/repair_queue.h"
#include "durability/scrubber.h"
#include "plugin/host_services.h"
#include "plugin/plugin_registry.h"
#include "policy/placement_policy.h"
#include "admin/admin_api.h"
#include "objects/services.h"
#include "server/s3_server.h"

namespace cairn {

struct RootCredential {
  std::string access_key;
  std::string secret_key;
};

class NodeAssembly {
 public:
  // `plugin_dir` is the default plugin directory (next to the binary).
  static Result<std::unique_ptr<NodeAssembly>> Build(Config config, const RootCredential& root,
                                                     const std::string& plugin_dir);
  ~NodeAssembly();
  Status Serve();  // starts the S3 server and the background workers (repair, scrub)
  uint16_t port() const { return server_ ? server_->port() : 0; }
  const Config& config() const { return config_; }

 private:
  NodeAssembly() = default;
  Result<SecretRecord> LookupSecret(const std::string& access_key) const;

  Config config_;
  RootCredential root_;
  PluginRegistry registry_;
  std::unique_ptr<HostServices> host_;
  std::unique_ptr<MetaStore> meta_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<ClusterMap> cluster_;
  std::unique_ptr<MappedTransport> mapped_;  // what the data path and workers use
  std::unique_ptr<Authenticator> auth_;
  std::map<std::string, std::unique_ptr<Codec>> codecs_;  // by plugin name
  std::unique_ptr<policy::PlacementPolicy> placement_;
  std::unique_ptr<DataPath> data_;
  std::unique_ptr<Services> services_;
  std::unique_ptr<AdminServices> admin_;
  std::unique_ptr<RepairQueue> repair_;
  // The deferred free of replaced object versions, and the read leases that hold it off
  // (installed as the data path's ReadRegistry).
  std::unique_ptr<ReadLeases> leases_;
  std::unique_ptr<DeferredFree> deferred_free_;
  std::unique_ptr<Scrubber> scrubber_;
  std::unique_ptr<Rebalancer> rebalancer_;
  std::unique_ptr<LifecycleWorker> lifecycle_;
  std::unique_ptr<S3Server> server_;
};

}  // namespace cairn
