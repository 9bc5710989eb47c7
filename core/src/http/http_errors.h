// The S3-coded errors the HTTP layer answers with, in one place (the core maps each code to its
// status through the S3 error table).
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn::http {

inline Status BadRequest(const std::string& message) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "BadRequest", message);
}
inline Status HeadTooLarge(const std::string& message =
                               "Your request header section exceeds the maximum allowed size.") {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "RequestHeaderSectionTooLarge", message);
}
inline Status RequestTimeout() {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "RequestTimeout",
                    "Your socket connection to the server was not read from or written to within "
                    "the timeout period.");
}
inline Status Busy(const std::string& why) {
  return Status::S3(CAIRN_UNAVAILABLE, "SlowDown", why);
}

}  // namespace cairn::http
