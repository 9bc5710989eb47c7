// HTTP preconditions on objects (If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since), with S3's precedence rules; shared by GET/HEAD and by CopyObject's
// x-amz-copy-source-if-* headers.
#pragma once

#include <optional>
#include <string>

#include "meta/records.h"
#include "s3/s3_request.h"

namespace cairn {

// `prefix` is "" for GET/HEAD ("If-Match") or "x-amz-copy-source-" for copies.
// GET/HEAD answer 304 NotModified for the None-Match/Modified-Since failures; copies 412.
S3Outcome CheckPreconditions(const S3Request& req, const ObjectRecord& o,
                             const std::string& prefix);

// A conditional write: If-Match / If-None-Match on PutObject, CopyObject (the destination)
// and CompleteMultipartUpload. It is checked against the object the write replaces inside the
// transaction that publishes it (the transaction requires that object unchanged), so of
// concurrent If-None-Match: * writers exactly one succeeds.
struct WriteCondition {
  std::string if_match;       // an ETag list or "*"; empty: no condition
  std::string if_none_match;  // an ETag list or "*"; empty: no condition
  bool Any() const { return !if_match.empty() || !if_none_match.empty(); }
};
WriteCondition WriteConditionOf(const S3Request& req);
// `current` is the object the write would replace, nullptr when there is none: If-Match then
// fails with 404 NoSuchKey, as in S3; any other failure is 412 PreconditionFailed.
S3Outcome CheckWriteCondition(const WriteCondition& c, const ObjectRecord* current);

// A conditional delete: If-Match, x-amz-if-match-last-modified-time and x-amz-if-match-size on
// DeleteObject, or a DeleteObjects entry's ETag, LastModifiedTime and Size. Deleting an absent
// object succeeds whatever the conditions, as in S3.
struct DeleteCondition {
  std::string if_match;
  std::optional<int64_t> last_modified_s;  // Unix seconds
  std::optional<uint64_t> size;
  bool Any() const { return !if_match.empty() || last_modified_s || size; }
};
// The condition from DeleteObject's headers; InvalidArgument when a value does not parse.
Result<DeleteCondition> DeleteConditionOf(const S3Request& req);
// From the texts of a DeleteObjects entry (empty: not given).
Result<DeleteCondition> DeleteConditionOf(const std::string& etag, const std::string& modified,
                                          const std::string& size);
S3Outcome CheckDeleteCondition(const DeleteCondition& c, const ObjectRecord& current);

}  // namespace cairn
