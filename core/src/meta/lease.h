// A lease in the metadata engine, for background work that runs once at a time in a cluster
// (the rebalancer's passes, the lifecycle worker's): the key holds the holder's progress as
// JSON, with the time its lease expires. Any gateway may take the lease once it has expired.
#pragma once

#include <string>

#include "cairn/meta_store.h"

namespace cairn {

// Writes `value` at `key` when the lease there is ours (it still holds `ours`, what we last
// wrote; "" when we hold none), or expired by `now_ms`, or absent, in one transaction that
// requires what it read. False when another holder's lease runs, or on any failure.
// `Progress` is the holder's record: FromJson(text, &progress) and an `expires_ms` member.
template <typename Progress>
bool TakeOrRenewLease(MetaStore& meta, const std::string& key, const std::string& ours,
                      int64_t now_ms, const std::string& value) {
  std::string current;
  Status st = meta.Get(key, &current);
  if (!st.ok() && !st.IsNotFound()) return false;
  Txn txn;
  if (st.IsNotFound()) {
    txn.Require(key, TxnCondition::kNotExists);
  } else {
    Progress holder;
    if (current != ours && FromJson(current, &holder).ok() && holder.expires_ms >= now_ms) {
      return false;
    }
    txn.Require(key, TxnCondition::kValueEquals, current);
  }
  txn.Put(key, value);
  return meta.Commit(txn).ok();
}

}  // namespace cairn
