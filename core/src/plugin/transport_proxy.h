// The core's view of a transport plugin: cairn::Transport through cairn_transport_vtable.
#pragma once

#include <memory>

#include "cairn/transport.h"
#include "plugin/host_services.h"

namespace cairn {

class TransportProxy : public Transport {
 public:
  explicit TransportProxy(std::unique_ptr<PluginInstance> instance)
      : instance_(std::move(instance)), vt_(instance_->vtable<cairn_transport_vtable>()) {}
  Status Drives(std::vector<DriveInfo>* out) override;
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override;
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override;
  Status Remove(const ShardRef& ref) override;
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override;
  Result<ShardStat> Stat(const ShardRef& ref) override;
  Status Nodes(std::vector<NodeInfo>* out) override;
  Status SetNodes(const std::vector<std::string>& urls) override;
  Status ProbeNode(const std::string& url, std::vector<DriveInfo>* out) override;

 private:
  // Whether the plugin's vtable has the ABI 1.2 node entries.
  bool HasNodes() const;

  std::unique_ptr<PluginInstance> instance_;
  const cairn_transport_vtable& vt_;
};

}  // namespace cairn
