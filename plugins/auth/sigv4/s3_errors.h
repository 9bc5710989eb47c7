// The S3 errors this plugin reports, in one place so that codes and wording stay consistent.
// 403s are Status::AccessDenied; 400s are CAIRN_INVALID_ARGUMENT with their S3 code. The core maps
// the S3 code to the HTTP status. No message ever carries a secret or a derived key.
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn::sigv4::errors {

inline Status SignatureDoesNotMatch() {
  return Status::AccessDenied("SignatureDoesNotMatch",
                              "The request signature we calculated does not match the signature "
                              "you provided. Check your key and signing method.");
}
inline Status InvalidAccessKeyId() {
  return Status::AccessDenied("InvalidAccessKeyId",
                              "The AWS Access Key Id you provided does not exist in our records.");
}
inline Status RequestTimeTooSkewed() {
  return Status::AccessDenied(
      "RequestTimeTooSkewed",
      "The difference between the request time and the current time is too large.");
}
inline Status AccessDenied(std::string msg) {
  return Status::AccessDenied("AccessDenied", std::move(msg));
}
// An x-amz-* header the signature does not cover could change what the request means (a
// presigned PUT turned into a CopyObject by adding x-amz-copy-source).
inline Status HeadersNotSigned(const std::string& name) {
  return Status::AccessDenied("AccessDenied",
                              "There were headers present in the request which were not signed: " +
                                  name);
}
inline Status HeaderMalformed(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "AuthorizationHeaderMalformed", std::move(msg));
}
inline Status QueryMalformed(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "AuthorizationQueryParametersError", std::move(msg));
}
inline Status InvalidRequest(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest", std::move(msg));
}
inline Status InvalidArgument(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument", std::move(msg));
}
inline Status IncompleteBody(std::string msg) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "IncompleteBody", std::move(msg));
}
inline Status ContentSha256Mismatch() {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "XAmzContentSHA256Mismatch",
                    "The provided 'x-amz-content-sha256' header does not match what was computed.");
}
inline Status BadDigest(const std::string& header) {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "BadDigest",
                    "The " + header + " you specified did not match the calculated checksum.");
}

}  // namespace cairn::sigv4::errors
