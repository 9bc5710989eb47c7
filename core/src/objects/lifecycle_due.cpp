#include "objects/lifecycle_due.h"

#include "meta/keys.h"
#include "util/clock.h"

namespace cairn {

bool LifecycleApplies(const Services& svc, const std::string& bucket, const BucketRecord& record) {
  return !record.lifecycle.empty() || svc.config.lifecycle.bucket_scripts.count(bucket) > 0;
}

void MarkLifecycleDue(const Services& svc, Txn& txn, const std::string& bucket,
                      const BucketRecord& record, const std::string& key) {
  if (LifecycleApplies(svc, bucket, record)) {
    txn.Put(keys::LifecycleDue(NowMillis(), bucket, key), "");
  }
}

}  // namespace cairn
