// Loading buckets. A bucket's record is also the condition every transaction that publishes
// into the bucket checks, so a concurrent DeleteBucket cannot leave objects behind.
#pragma once

#include <functional>
#include <string>

#include "meta/records.h"
#include "objects/services.h"

namespace cairn {

// A bucket record and its encoded form (the encoded form is the transaction condition).
struct LoadedBucket {
  BucketRecord record;
  std::string raw;
};

// NoSuchBucket (s3_code) when there is none.
Result<LoadedBucket> LoadBucket(Services& svc, const std::string& bucket);

// Reads, changes and writes back the bucket's record (tags, versioning...), retrying on
// conflicts; `change` may refuse with an error. Objects being published meanwhile retry:
// their transactions require the bucket record they read.
Status UpdateBucket(Services& svc, const std::string& bucket,
                    const std::function<Status(BucketRecord&)>& change);

}  // namespace cairn
