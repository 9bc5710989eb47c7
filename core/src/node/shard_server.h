// ShardServer: the HTTP face of `cairn node`. A Poco HTTPServer that authenticates every
// request with the cluster secret (node_protocol/cluster_protocol.h), routes it
// (node_target.h) and serves it over a Transport (shard_handlers.h). A PUT is checked --
// signature, Content-Length present and within max_body_bytes, the drive able to take a
// writer -- before the node answers "100 Continue", so a refused shard is never uploaded.
// Thread-safe; requests run on Poco's thread pool. The transport must outlive the server.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <cstdint>
#include <memory>
#include <string>

#include "cairn/transport.h"
#include "node/shard_handlers.h"

namespace cairn {

struct ShardServerOptions {
  std::string listen = "127.0.0.1:0";  // "host:port"; port 0 picks a free one
  NodeIdentity identity;
  std::string cluster_secret;
  uint64_t max_body_bytes = 1ull << 30;
  int max_threads = 64;
  int max_queued = 256;
  int timeout_seconds = 60;  // socket send/receive timeout
};

class ShardServer {
 public:
  ShardServer(Transport& transport, ShardServerOptions options);
  ~ShardServer();
  ShardServer(const ShardServer&) = delete;
  ShardServer& operator=(const ShardServer&) = delete;

  Status Start();
  // Stops listening and cuts the connections in progress. Idempotent.
  void Stop();
  uint16_t port() const;

 private:
  Transport& transport_;
  const ShardServerOptions options_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace cairn
