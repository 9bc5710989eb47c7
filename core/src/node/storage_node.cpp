#include "node/storage_node.h"

#include <filesystem>

#include "plugin/transport_proxy.h"
#include "util/log.h"

namespace cairn {

StorageNode::~StorageNode() { Stop(); }

Result<std::unique_ptr<StorageNode>> StorageNode::Build(NodeConfig config,
                                                        const std::string& plugin_dir) {
  std::unique_ptr<StorageNode> n(new StorageNode());
  n->config_ = std::move(config);
  NodeConfig& cfg = n->config_;

  std::error_code ec;
  std::filesystem::create_directories(cfg.data_dir, ec);
  if (ec) {
    return Status::IOError("cannot create data directory " + cfg.data_dir + ": " + ec.message());
  }
  cfg.data_dir = std::filesystem::absolute(cfg.data_dir).lexically_normal().string();

  CAIRN_RETURN_IF_ERROR(n->registry_.LoadDirectory(plugin_dir));
  for (const auto& dir : cfg.plugin_dirs) {
    CAIRN_RETURN_IF_ERROR(n->registry_.LoadDirectory(cfg.ResolvePath(dir)));
  }
  // A node serves shards only: no credentials to look up.
  n->host_ = std::make_unique<HostServices>(cfg.data_dir, [](const std::string&) {
    return Result<SecretRecord>(Status::NotFound("a storage node has no S3 credentials"));
  });
  auto plugin = n->registry_.Find("transport", cfg.transport_engine);
  if (!plugin.ok()) {
    return Status::InvalidArgument(cfg.path + ": transport: " + plugin.status().message());
  }
  auto instance = n->host_->Create(*plugin.value(), cfg.TransportTable(), cfg.path);
  if (!instance.ok()) return instance.status();
  n->transport_ = std::make_unique<TransportProxy>(std::move(instance.value()));

  ShardServerOptions options;
  options.listen = cfg.listen;
  options.identity = {cfg.name, cfg.zone};
  options.cluster_secret = cfg.cluster_secret;
  options.max_body_bytes = static_cast<uint64_t>(cfg.max_body_bytes);
  options.max_threads = static_cast<int>(cfg.max_threads);
  options.max_queued = static_cast<int>(cfg.max_queued);
  options.timeout_seconds = static_cast<int>(cfg.timeout_seconds);
  n->server_ = std::make_unique<ShardServer>(*n->transport_, std::move(options));

  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(n->transport_->Drives(&drives));
  size_t healthy = 0;
  for (const auto& d : drives) healthy += d.healthy;
  LogInfo("node", cfg.name + " (" + cfg.zone + "): " + std::to_string(healthy) + " of " +
                      std::to_string(drives.size()) + " drives healthy");
  return n;
}

Status StorageNode::Start() { return server_->Start(); }

void StorageNode::Stop() {
  if (server_) server_->Stop();
}

}  // namespace cairn
