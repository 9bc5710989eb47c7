#include "objects/buckets.h"

#include "meta/keys.h"

namespace cairn {

Result<LoadedBucket> LoadBucket(Services& svc, const std::string& bucket) {
  LoadedBucket b;
  Status st = svc.meta.Get(keys::Bucket(bucket), &b.raw);
  if (st.IsNotFound()) return Status::S3(CAIRN_NOT_FOUND, "NoSuchBucket", "");
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(Decode(b.raw, &b.record));
  return b;
}

Status UpdateBucket(Services& svc, const std::string& bucket,
                    const std::function<Status(BucketRecord&)>& change) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    BucketRecord rec = b->record;
    CAIRN_RETURN_IF_ERROR(change(rec));
    Txn txn;
    txn.Require(keys::Bucket(bucket), TxnCondition::kValueEquals, b->raw);
    txn.Put(keys::Bucket(bucket), Encode(rec));
    Status st = svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    return st;
  }
  return Status::S3(CAIRN_UNAVAILABLE, "SlowDown", "too many concurrent changes to this bucket");
}

}  // namespace cairn
