// Decorators that put FaultPoints around the metadata engine and the shard transport (see
// fault_points.h for the points and what failing each means). Everything else passes through.
// Thread-safe as the wrapped objects are.
#pragma once

#include <memory>

#include "cairn/meta_store.h"
#include "cairn/transport.h"
#include "fault/fault_points.h"

namespace cairn {

class FaultyMetaStore : public MetaStore {
 public:
  FaultyMetaStore(std::unique_ptr<MetaStore> inner, std::shared_ptr<FaultPoints> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}
  Status Get(std::string_view key, std::string* value) override { return inner_->Get(key, value); }
  Status Scan(std::string_view start, std::string_view end, size_t limit,
              std::vector<KeyValue>* out) override {
    return inner_->Scan(start, end, limit, out);
  }
  Status Commit(const Txn& txn) override {
    if (faults_->Reach("meta_commit") == FaultPoints::Action::kFail) {
      return Status::IOError("injected failure before the metadata commit");
    }
    Status st = inner_->Commit(txn);
    if (st.ok() && faults_->Reach("meta_committed") == FaultPoints::Action::kFail) {
      return Status::OutcomeUnknown("injected: the commit was applied but reported unknown");
    }
    return st;
  }

 private:
  std::unique_ptr<MetaStore> inner_;
  std::shared_ptr<FaultPoints> faults_;
};

class FaultyTransport : public Transport {
 public:
  FaultyTransport(std::unique_ptr<Transport> inner, std::shared_ptr<FaultPoints> faults)
      : inner_(std::move(inner)), faults_(std::move(faults)) {}

  Status Drives(std::vector<DriveInfo>* out) override { return inner_->Drives(out); }
  Result<std::unique_ptr<ShardWriter>> OpenWriter(const ShardRef& ref) override {
    auto w = inner_->OpenWriter(ref);
    if (!w.ok()) return w.status();
    return std::unique_ptr<ShardWriter>(new Writer(std::move(w.value()), *faults_));
  }
  Result<uint64_t> Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                        uint64_t size) override {
    return inner_->Read(ref, offset, out, size);
  }
  Status Remove(const ShardRef& ref) override {
    if (faults_->Reach("shard_remove") == FaultPoints::Action::kFail) {
      return Status::IOError("injected failure before removing a shard");
    }
    return inner_->Remove(ref);
  }
  Status List(const ShardRef& prefix, std::vector<ShardStat>* out) override {
    return inner_->List(prefix, out);
  }
  Result<ShardStat> Stat(const ShardRef& ref) override { return inner_->Stat(ref); }
  Status Nodes(std::vector<NodeInfo>* out) override { return inner_->Nodes(out); }
  Status SetNodes(const std::vector<std::string>& urls) override { return inner_->SetNodes(urls); }
  Status ProbeNode(const std::string& url, std::vector<DriveInfo>* out) override {
    return inner_->ProbeNode(url, out);
  }

 private:
  class Writer : public ShardWriter {
   public:
    Writer(std::unique_ptr<ShardWriter> inner, FaultPoints& faults)
        : inner_(std::move(inner)), faults_(faults) {}
    Status Append(const uint8_t* data, size_t size) override { return inner_->Append(data, size); }
    Status Commit() override {
      if (faults_.Reach("shard_commit") == FaultPoints::Action::kFail) {
        return Status::IOError("injected failure before a shard commit");
      }
      Status st = inner_->Commit();
      if (st.ok() && faults_.Reach("shard_committed") == FaultPoints::Action::kFail) {
        return Status::IOError("injected: the shard was committed but reported failed");
      }
      return st;
    }

   private:
    std::unique_ptr<ShardWriter> inner_;
    FaultPoints& faults_;
  };

  std::unique_ptr<Transport> inner_;
  std::shared_ptr<FaultPoints> faults_;
};

}  // namespace cairn
