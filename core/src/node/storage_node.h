// StorageNode: a running `cairn node` built from a NodeConfig. Loads the transport plugin
// (transport/local by default) through the same PluginRegistry, HostServices and
// TransportProxy path the gateway uses, and serves it with a ShardServer.
// Owns everything it builds; destruction stops the server first.
#pragma once

#include <memory>
#include <string>

#include "cairn/transport.h"
#include "node/node_config.h"
#include "node/shard_server.h"
#include "plugin/host_services.h"
#include "plugin/plugin_registry.h"

namespace cairn {

class StorageNode {
 public:
  // `plugin_dir` is the default plugin directory (next to the binary).
  // REQUIRES: CheckNodeConfig(config) is OK.
  static Result<std::unique_ptr<StorageNode>> Build(NodeConfig config,
                                                    const std::string& plugin_dir);
  ~StorageNode();
  Status Start();
  void Stop();
  uint16_t port() const { return server_ ? server_->port() : 0; }
  const NodeConfig& config() const { return config_; }
  Transport& transport() { return *transport_; }

 private:
  StorageNode() = default;

  NodeConfig config_;
  PluginRegistry registry_;
  std::unique_ptr<HostServices> host_;
  std::unique_ptr<Transport> transport_;
  std::unique_ptr<ShardServer> server_;
};

}  // namespace cairn
