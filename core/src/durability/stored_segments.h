// Repairing the segments of a stored record (an object "o/..." or a part "p/..."): loads the
// record, runs DataPath::Repair on its segments and, when shards moved to other drives, writes
// the new layout back in a transaction conditioned on the record being unchanged (if it
// changed, the rebuilt shards are orphans for the next scrub). Shared by the Scrubber and the
// RepairQueue. Thread-safe.
#pragma once

#include <functional>
#include <string>

#include "data/data_path.h"
#include "objects/services.h"

namespace cairn {

struct StoredRepair {
  bool found = false;  // the record (and, if asked, the segment) still exists
  DataPath::RepairReport report;
};

// Repairs every segment of the record at `meta_key`, or only the one named `data_id`.
Result<StoredRepair> RepairStoredSegments(Services& svc, const std::string& meta_key,
                                          const std::string& data_id, bool verify,
                                          const std::function<void(uint64_t)>& throttle);

// Calls fn(segment) for each segment of an encoded object or part record (by key family).
Status ForEachSegment(const std::string& meta_key, const std::string& value,
                      const std::function<void(const Segment&)>& fn);

}  // namespace cairn
