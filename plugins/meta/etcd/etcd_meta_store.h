// EtcdMetaStore: cairn::MetaStore on etcd v3, the distributed (Raft) metadata engine. It talks
// to etcd's JSON gateway (/v3/kv/range, /v3/kv/txn) over plain HTTP, with keys and values in
// base64, so that it needs no gRPC stack.
//
// - Get is a linearizable range of one key; Scan is a series of ranges pinned to the revision
//   of the first page, so a scan is one consistent snapshot however many pages it takes.
// - Commit is one etcd Txn (see etcd_txn.h): atomic, conditional, at most kMaxTxnOps ops.
// - Every key lives under a prefix (default "cairn/"), so clusters can share one etcd.
// - Failover and the "outcome unknown" rule for writes are EtcdClient's (etcd_client.h).
//
// Thread-safe.
#pragma once

#include <chrono>
#include <memory>
#include <string>
#include <vector>

#include "cairn/meta_store.h"
#include "cairn/sdk/plugin_context.h"
#include "etcd_client.h"
#include "key_space.h"

namespace cairn::meta::etcd {

struct EtcdOptions {
  std::vector<std::string> endpoints;  // "http://host:port"
  std::string prefix = "cairn/";
  std::chrono::milliseconds timeout{5000};  // for one operation, failover included
  size_t page_size = 500;                   // keys per range request of a scan
};

class EtcdMetaStore : public MetaStore {
 public:
  // Checks that some endpoint answers (so a wrong address fails at startup, not on the first
  // request): UNAVAILABLE naming the endpoints when none does.
  static Result<std::unique_ptr<EtcdMetaStore>> Open(EtcdOptions options);
  // The plugin entry: reads `endpoints`, `prefix` and `timeout_ms` from the config sub-table.
  static Result<std::unique_ptr<EtcdMetaStore>> Create(const sdk::PluginContext& context);

  Status Get(std::string_view key, std::string* value) override;
  Status Scan(std::string_view start, std::string_view end, size_t limit,
              std::vector<KeyValue>* out) override;
  Status Commit(const Txn& txn) override;

 private:
  EtcdMetaStore(std::unique_ptr<EtcdClient> client, KeySpace space, size_t page_size)
      : client_(std::move(client)), space_(std::move(space)), page_size_(page_size) {}

  Status Ping();

  const std::unique_ptr<EtcdClient> client_;
  const KeySpace space_;
  const size_t page_size_;
};

}  // namespace cairn::meta::etcd
