// HttpTransport: the transport for drives on storage nodes (`cairn node`), reached over HTTP.
//
// Config keys: `nodes` (string array of base URLs, required), `cluster_secret` (required; the
// nodes' secret), `timeout_ms` (10000), `connect_timeout_ms` (2000), `retries` (2),
// `breaker_failures` (5), `breaker_open_ms` (5000), `drives_cache_ms` (1000), `spool_dir`
// (relative to the data directory; default "spool/transport-http"), `spool_memory_bytes`
// (1 MiB).
//
// Drives() is the union of every node's GET /drives, in `nodes` order, refreshed when older
// than drives_cache_ms; a node that cannot be reached (or whose circuit is open) keeps its
// previously seen drives in the report, unhealthy. A drive id maps to the node that reported
// it; an unknown id triggers a refresh before it is refused.
//
// `nodes` is where a gateway starts; once the core's cluster map exists it calls SetNodes with
// the map's nodes, and the set follows the map from then on (see docs/operations.md).
//
// Thread-safety: thread-safe; the drive table has its mutex, each node client its own.
#pragma once

#include <chrono>
#include <cstdint>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/sdk/plugin_context.h"
#include "cairn/transport.h"
#include "node_client.h"

namespace cairn::transport {

struct HttpTransportOptions {
  std::vector<std::string> nodes;
  std::string cluster_secret;
  int64_t timeout_ms = 10000;
  int64_t connect_timeout_ms = 2000;
  int64_t retries = 2;
  int64_t breaker_failures = 5;
  int64_t breaker_open_ms = 5000;
  int64_t drives_cache_ms = 1000;
  std::string spool_dir;  // absolute; created when missing
  int64_t spool_memory_bytes = 1 << 20;
};

class HttpTransport final : public Transport {
 public:
  static Result<std::unique_ptr<HttpTransport>> Create(const sdk::PluginContext& context);
  // InvalidArgument for a bad option or node URL. Contacts no node.
  static Result<std::unique_ptr<HttpTransport>> Open(HttpTransportOptions options);

  Status Drives(std::vector<DriveInfo>* out) override;
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override;
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out, uint64_t size) override;
  Status Remove(const ShardRef& ref) override;
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override;
  Result<ShardStat> Stat(const ShardRef& ref) override;
  Status Nodes(std::vector<NodeInfo>* out) override;
  Status SetNodes(const std::vector<std::string>& urls) override;
  Status ProbeNode(const std::string& url, std::vector<DriveInfo>* out) override;

 private:
  using Clock = std::chrono::steady_clock;
  struct NodeEntry {
    std::shared_ptr<NodeClient> client;
    std::vector<DriveInfo> drives;  // as last seen
    bool fetched = false;
    bool answered = false;  // the last fetch succeeded
    Clock::time_point fetched_at;
  };
  // Where a drive is served, and whether it was healthy when last seen.
  struct DriveRoute {
    std::shared_ptr<NodeClient> client;
    bool healthy = false;
  };

  explicit HttpTransport(HttpTransportOptions options) : options_(std::move(options)) {}
  Result<std::shared_ptr<NodeClient>> NewClient(const std::string& url, int retries) const;
  // Rebuilds node_of_drive_ from nodes_. REQUIRES: mu_ held.
  void IndexDrives();
  // Re-fetches the drives of every node whose report is older than drives_cache_ms.
  void Refresh();
  Result<std::vector<DriveInfo>> FetchDrives(NodeClient& client);
  // NotFound for a drive no node reports.
  Result<DriveRoute> Route(const std::string& drive_id);
  // Validates the shard name, then routes.
  Result<DriveRoute> RouteShard(const ShardRef& ref);

  const HttpTransportOptions options_;
  std::mutex mu_;
  // Guarded by mu_ (the clients themselves are thread-safe). SetNodes replaces entries, so
  // code that drops mu_ holds a client by shared_ptr, never an index.
  std::vector<NodeEntry> nodes_;
  std::map<std::string, std::shared_ptr<NodeClient>> node_of_drive_;  // guarded by mu_
};

}  // namespace cairn::transport
