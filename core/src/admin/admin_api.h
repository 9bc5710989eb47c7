// The admin API under /_cairn/admin/ (root only, SigV4 like every S3 request): scrub passes and
// their progress, drive listing and replacement, the repair queue. "_cairn" can never be a
// bucket name (S3 names have no '_'), so it cannot shadow a bucket. JSON bodies; see
// docs/operations.md for the contract.
#pragma once

#include "s3/s3_request.h"

namespace cairn {

inline constexpr const char* kAdminBucket = "_cairn";

S3Outcome HandleAdmin(S3Request& req);

// Sends a JSON reply (the admin API's errors are {"error": "..."} with their HTTP status).
void SendAdminJson(S3Request& req, int status, const std::string& body);

}  // namespace cairn
