// NodeConfig: the configuration of `cairn node`, a storage node serving its drives to gateways.
// The file has a [node] table and the [transport] tables conf/cairn.toml uses ([transport] engine
// plus one sub-table per plugin, e.g. [transport.local] drives = [...]); any other section is an
// error naming the file, line and key, like the gateway's configuration.
//
//   [node]
//   listen = "0.0.0.0:9100"     # CAIRN_LISTEN overrides
//   name = "node-1"             # reported for every drive; default: the host name
//   zone = "zone-a"             # reported for every drive
//   cluster_secret = "..."      # required; CAIRN_CLUSTER_SECRET overrides
//   data_dir = "./data"         # CAIRN_DATA overrides; relative drives resolve against it
//   max_body_bytes = 1073741824 # the largest shard a PUT may carry
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn {

struct NodeConfig {
  std::string path;  // the file it was read from
  std::string listen = "127.0.0.1:9100";
  std::string name;  // empty: the host name
  std::string zone = "zone-a";
  std::string cluster_secret;
  std::string data_dir = "./data";  // relative to the working directory, like CAIRN_DATA
  int64_t max_body_bytes = 1ll << 30;
  int64_t max_threads = 64;
  int64_t max_queued = 256;
  int64_t timeout_seconds = 60;          // socket send/receive timeout per request
  std::vector<std::string> plugin_dirs;  // in addition to <binary dir>/plugins
  std::string transport_engine = "local";
  // The parsed document, kept so the transport sub-table stays alive for the plugin.
  std::shared_ptr<toml::table> document;

  // [transport.<engine>], or null when absent.
  const toml::table* TransportTable() const;
  // A path from the config resolved against the config file's directory.
  std::string ResolvePath(const std::string& path) const;
};

// Parses and validates; cluster_secret may still be empty (the caller applies the environment
// and then calls CheckNodeConfig).
Result<NodeConfig> ParseNodeConfig(const std::string& text, const std::string& path);
Result<NodeConfig> LoadNodeConfig(const std::string& path);
// What must hold after environment overrides: a cluster secret, a name.
Status CheckNodeConfig(NodeConfig& config);

}  // namespace cairn
