// S3 errors: every error a client can see, with its code and HTTP status, in one table.
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn {

struct S3Error {
  int http_status = 500;
  std::string code = "InternalError";
  std::string message = "We encountered an internal error. Please try again.";
  std::string resource;  // the bucket or key the error is about, when known

  // An error by S3 code; the status and default message come from the table.
  static S3Error Of(const std::string& code, const std::string& message = "");
  // Maps a Status from the core or a plugin: an explicit s3_code wins, then the cairn_code.
  static S3Error FromStatus(const Status& status);
};

}  // namespace cairn
