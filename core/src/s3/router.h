// Router: maps an authenticated S3 request (method, bucket, key, subresources) to its
// operation. Operations no issue has asked for yet answer 501 NotImplemented.
#pragma once

#include "s3/s3_request.h"

namespace cairn {

S3Outcome Route(S3Request& req);

}  // namespace cairn
