// Marking a key due for the lifecycle worker (lifecycle/lifecycle_worker.h): every change to a
// key's versions, tags, locks or uploads in a bucket under lifecycle adds the key to the due
// index (d/<now>/<bucket>/<key>) in the same transaction, so the worker looks at what changed
// instead of scanning every object each day, and a crash never loses the mark.
#pragma once

#include <string>

#include "meta/records.h"
#include "objects/services.h"

namespace cairn {

// Whether the lifecycle worker looks at the bucket's keys: it has lifecycle rules, or a script
// of its own in [lifecycle.buckets].
bool LifecycleApplies(const Services& svc, const std::string& bucket, const BucketRecord& record);

// Adds the due mark for `key` to `txn` when LifecycleApplies.
void MarkLifecycleDue(const Services& svc, Txn& txn, const std::string& bucket,
                      const BucketRecord& record, const std::string& key);

}  // namespace cairn
