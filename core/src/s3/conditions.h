// HTTP preconditions on objects (If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since), with S3's precedence rules; shared by GET/HEAD and by CopyObject's
// x-amz-copy-source-if-* headers. And the conditional writes and deletes of the object model
// (objects/conditions.h) as a request's headers state them.
#pragma once

#include <string>

#include "meta/records.h"
#include "objects/conditions.h"
#include "s3/s3_request.h"

namespace cairn {

// `prefix` is "" for GET/HEAD ("If-Match") or "x-amz-copy-source-" for copies.
// GET/HEAD answer 304 NotModified for the None-Match/Modified-Since failures; copies 412.
S3Outcome CheckPreconditions(const S3Request& req, const ObjectRecord& o,
                             const std::string& prefix);

// If-Match / If-None-Match of PutObject, CopyObject and CompleteMultipartUpload.
WriteCondition WriteConditionOf(const S3Request& req);
// The condition from DeleteObject's headers; InvalidArgument when a value does not parse.
Result<DeleteCondition> DeleteConditionOf(const S3Request& req);

}  // namespace cairn
