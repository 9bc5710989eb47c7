// LocalTransport: the transport for drives mounted on this node, one directory per drive
// (see local_drive.h for the layout and shard_name.h for the names accepted).
//
// Config keys: `drives` (string array, required; relative to the data directory), `node`
// (default "local"), `zone` (default "zone-a"). A drive that cannot be used does not stop
// Create: it is reported unhealthy and its operations return Unavailable.
//
// Thread-safety: thread-safe; the drive table is immutable after Open and every operation is
// independent syscalls. A writer is used by one thread at a time.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cairn/sdk/plugin_context.h"
#include "cairn/transport.h"

namespace cairn::transport {

class LocalDrive;

struct LocalTransportOptions {
  std::vector<std::string> drives;  // directories, in configuration order
  std::string node = "local";
  std::string zone = "zone-a";
  // Receives startup warnings (unusable drives, removed temp files). May be empty.
  std::function<void(cairn_log_level, const std::string&)> log;
};

class LocalTransport final : public Transport {
 public:
  static Result<std::unique_ptr<LocalTransport>> Create(const sdk::PluginContext& context);
  // InvalidArgument when no drive is configured; never fails because of one drive.
  static Result<std::unique_ptr<LocalTransport>> Open(LocalTransportOptions options);
  ~LocalTransport() override;

  Status Drives(std::vector<DriveInfo>* out) override;
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override;
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out, uint64_t size) override;
  Status Remove(const ShardRef& ref) override;
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override;
  Result<ShardStat> Stat(const ShardRef& ref) override;

 private:
  explicit LocalTransport(LocalTransportOptions options);
  // The drive `drive_id` names, if it is serving: NotFound for an id this node does not have,
  // Unavailable for a drive that cannot serve.
  Result<const LocalDrive*> ServingDrive(const std::string& drive_id) const;
  // Validates the name, then finds the serving drive.
  Result<const LocalDrive*> Resolve(const ShardRef& ref) const;

  const LocalTransportOptions options_;
  std::vector<std::unique_ptr<LocalDrive>> drives_;  // configuration order
  std::map<std::string, const LocalDrive*> by_id_;   // immutable after Open
};

}  // namespace cairn::transport
