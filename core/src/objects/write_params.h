// Write parameters for new object data: the storage class's codec, k, m and write quorum,
// and the configured block and chunk sizes.
#pragma once

#include <string>

#include "objects/services.h"

namespace cairn {

// InvalidStorageClass (s3_code) for a class this server does not define.
Result<WriteParams> NewWriteParams(const Services& svc, const std::string& bucket,
                                   const std::string& key, const std::string& storage_class,
                                   uint64_t size_hint);

}  // namespace cairn
