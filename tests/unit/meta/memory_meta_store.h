// MemoryMetaStore: a header-only in-memory cairn::MetaStore for tests of the core, and the
// reference the conformance suite is checked against. State lives in a shared MemoryMetaState
// so that a test can "reopen" the store and see what was committed.
//
// Thread-safety: thread-safe (one mutex around the map).
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/meta_store.h"

namespace cairn::testing {

struct MemoryMetaState {
  std::mutex mu;
  std::map<std::string, std::string> kv;  // std::string orders bytewise like memcmp
};

class MemoryMetaStore final : public MetaStore {
 public:
  explicit MemoryMetaStore(std::shared_ptr<MemoryMetaState> state = nullptr)
      : state_(state ? std::move(state) : std::make_shared<MemoryMetaState>()) {}

  Status Get(std::string_view key, std::string* value) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    auto it = state_->kv.find(std::string(key));
    if (it == state_->kv.end()) return Status::NotFound("no such key");
    *value = it->second;
    return Status::Ok();
  }

  Status Scan(std::string_view start, std::string_view end, size_t limit,
              std::vector<KeyValue>* out) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    size_t n = 0;
    for (auto it = state_->kv.lower_bound(std::string(start)); it != state_->kv.end(); ++it) {
      if (!end.empty() && std::string_view(it->first) >= end) break;
      if (limit != 0 && n == limit) break;
      out->push_back(KeyValue{it->first, it->second});
      ++n;
    }
    return Status::Ok();
  }

  Status Commit(const Txn& txn) override {
    std::lock_guard<std::mutex> lock(state_->mu);
    for (const auto& c : txn.conditions) {
      auto it = state_->kv.find(c.key);
      const bool found = it != state_->kv.end();
      bool holds = false;
      switch (c.kind) {
        case TxnCondition::kExists:
          holds = found;
          break;
        case TxnCondition::kNotExists:
          holds = !found;
          break;
        case TxnCondition::kValueEquals:
          holds = found && it->second == c.value;
          break;
        default:
          return Status::InvalidArgument("unknown condition kind");
      }
      if (!holds) return Status::Conflict("transaction condition does not hold");
    }
    for (const auto& op : txn.ops) {
      if (op.kind != TxnOp::kPut && op.kind != TxnOp::kDelete) {
        return Status::InvalidArgument("unknown op kind");
      }
    }
    for (const auto& op : txn.ops) {
      if (op.kind == TxnOp::kPut) {
        state_->kv[op.key] = op.value;
      } else {
        state_->kv.erase(op.key);
      }
    }
    return Status::Ok();
  }

 private:
  std::shared_ptr<MemoryMetaState> state_;
};

}  // namespace cairn::testing
