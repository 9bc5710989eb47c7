// Refusals: the request headers and query parameters whose meaning Cairn does not implement
// (yet). A client that asked for encryption, an ACL, a version or a lock must never be told
// yes: such a request is answered with the error AWS gives for the unsupported case, before
// anything is read or written. docs/s3-api.md lists the same table ("Refused, not ignored");
// tests/integration/test_refusals.py tests every row.
#pragma once

#include "s3/s3_request.h"

namespace cairn {

// The refusal for `req`, or nullopt when nothing in it asks for what Cairn lacks.
S3Outcome RefuseUnimplemented(const S3Request& req);

}  // namespace cairn
