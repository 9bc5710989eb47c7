// Transitions: moving one object version into another storage class, online. Its data is read
// (every block verified) and written anew with the target class's codec and k+m, one new segment
// per old one (so a multipart object keeps its parts), then the version's record is swapped in
// one transaction that requires it unchanged. Reads keep working throughout: a GET that loaded
// the old record reads the old shards, which go through the deferred free (FreeReplaced) and
// read leases like any replaced data. If the version changed meanwhile (tags, a lock, a delete)
// nothing is published and the new shards are removed; the next evaluation decides again.
#pragma once

#include <cstdint>
#include <string>

#include "objects/services.h"
#include "objects/versions.h"

namespace cairn {

// Moves `version` of bucket/key into `storage_class`, reading at most `bytes_per_second`
// (0: unlimited). On success *bytes is the data re-encoded. Conflict when the version changed.
Status TransitionVersion(Services& svc, const std::string& bucket, const std::string& key,
                         const LoadedVersion& version, const std::string& storage_class,
                         int64_t bytes_per_second, uint64_t* bytes);

}  // namespace cairn
