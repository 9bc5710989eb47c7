// HttpShardWriter: a ShardWriter for a drive on a storage node. Append spools the bytes
// (shard_spool.h); Commit sends them in one signed PUT with their exact Content-Length, retried
// from the start on a node failure, and the node commits the shard atomically only when the
// whole body arrived. Destroying an uncommitted writer just drops the spool: nothing reached
// the node. May outlive its transport (it shares the node client).
// Not thread-safe: one writer is used by one thread at a time.
#pragma once

#include <memory>
#include <string>

#include "cairn/transport.h"
#include "node_client.h"
#include "shard_spool.h"

namespace cairn::transport {

class HttpShardWriter final : public ShardWriter {
 public:
  HttpShardWriter(std::shared_ptr<NodeClient> node, std::string target,
                  std::unique_ptr<ShardSpool> spool)
      : node_(std::move(node)), target_(std::move(target)), spool_(std::move(spool)) {}

  Status Append(const uint8_t* data, size_t size) override;
  Status Commit() override;

 private:
  std::shared_ptr<NodeClient> node_;
  const std::string target_;
  std::unique_ptr<ShardSpool> spool_;
  bool done_ = false;
};

}  // namespace cairn::transport
