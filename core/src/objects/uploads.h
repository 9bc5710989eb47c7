// Removing multipart uploads and their parts.
#pragma once

#include <string>
#include <vector>

#include "objects/services.h"

namespace cairn {

// Removes a multipart upload (its record at `upload_key`, which must still equal `upload_raw`:
// Conflict otherwise), then its part keys (DeletePartKeys) and the parts' shards.
// Used by AbortMultipartUpload, DeleteBucket and the expiry of stale uploads.
Status AbortUpload(Services& svc, const std::string& upload_key, const std::string& upload_raw);

// Deletes the part keys of an upload whose record is already gone, in transactions of at most
// kMaxTxnOps operations (an upload may have 10,000 parts). Best effort: a crash or an error
// leaves part keys without an upload, which scrub passes delete (the shards they name are then
// orphans, or belong to the completed object).
void DeletePartKeys(Services& svc, const std::vector<KeyValue>& parts);

}  // namespace cairn
