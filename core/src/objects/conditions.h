// Conditions on writes and deletes of an object, checked inside the transaction that publishes
// or deletes it (the transaction requires the object it checked unchanged), so of concurrent
// If-None-Match: * writers exactly one succeeds. Failures carry their S3 code.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

#include "meta/records.h"

namespace cairn {

// True when an If-Match style header lists the ETag (or "*"); quotes and weak markers are
// ignored.
bool EtagListMatches(const std::string& header, const std::string& etag);

// A conditional write: If-Match / If-None-Match on PutObject, CopyObject (the destination)
// and CompleteMultipartUpload.
struct WriteCondition {
  std::string if_match;       // an ETag list or "*"; empty: no condition
  std::string if_none_match;  // an ETag list or "*"; empty: no condition
  bool Any() const { return !if_match.empty() || !if_none_match.empty(); }
};
// `current` is the object the write would replace, nullptr when there is none (or the current
// version is a delete marker): If-Match then fails with 404 NoSuchKey, as in S3; any other
// failure is 412 PreconditionFailed.
Status CheckWriteCondition(const WriteCondition& c, const ObjectRecord* current);

// A conditional delete: If-Match, x-amz-if-match-last-modified-time and x-amz-if-match-size on
// DeleteObject, or a DeleteObjects entry's ETag, LastModifiedTime and Size. Deleting an absent
// object succeeds whatever the conditions, as in S3.
struct DeleteCondition {
  std::string if_match;
  std::optional<int64_t> last_modified_s;  // Unix seconds
  std::optional<uint64_t> size;
  // The current version must be this one (its seq, objects/versions.h): how the lifecycle
  // worker expires exactly the version it evaluated. No S3 header sets it.
  std::optional<uint64_t> version_seq;
  bool Any() const { return !if_match.empty() || last_modified_s || size || version_seq; }
};
// From the texts of the headers or of a DeleteObjects entry (empty: not given);
// InvalidArgument when a value does not parse.
Result<DeleteCondition> DeleteConditionOf(const std::string& etag, const std::string& modified,
                                          const std::string& size);
Status CheckDeleteCondition(const DeleteCondition& c, const ObjectRecord& current);

}  // namespace cairn
