// HTTP preconditions on objects (If-Match, If-None-Match, If-Modified-Since,
// If-Unmodified-Since), with S3's precedence rules; shared by GET/HEAD and by CopyObject's
// x-amz-copy-source-if-* headers.
#pragma once

#include <string>

#include "meta/records.h"
#include "s3/s3_request.h"

namespace cairn {

// `prefix` is "" for GET/HEAD ("If-Match") or "x-amz-copy-source-" for copies.
// GET/HEAD answer 304 NotModified for the None-Match/Modified-Since failures; copies 412.
S3Outcome CheckPreconditions(const S3Request& req, const ObjectRecord& o,
                             const std::string& prefix);

}  // namespace cairn
