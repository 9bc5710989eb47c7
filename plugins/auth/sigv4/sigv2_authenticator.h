// SigV2Authenticator: AWS Signature Version 2, the scheme older S3 clients still use (awscli v1's
// `s3 presign`, boto3 with signature_version "s3", s3cmd with signature_v2). Verifies the
// `Authorization: AWS <access key>:<signature>` header or a presigned URL (AWSAccessKeyId,
// Signature, Expires); see sigv2_signature.h for what is signed.
//
// SigV2 does not hash the body. The body decoder still verifies what the client asked for: an
// x-amz-checksum-* header, and x-amz-content-sha256 when it is a hash (it is signed among the
// amz headers); the aws-chunked modes with chunk signatures need SigV4 and are refused. Every
// x-amz-* header is signed by construction, so no unsigned one can slip in.
//
// Thread-safe if the lookup is.
#pragma once

#include <cstdint>

#include "cairn/authenticator.h"
#include "sigv4_authenticator.h"  // Credential, CredentialLookup

namespace cairn::sigv4 {

class SigV2Authenticator : public Authenticator {
 public:
  // Header requests dated further than max_clock_skew_seconds from the server clock fail with
  // RequestTimeTooSkewed.
  SigV2Authenticator(int64_t max_clock_skew_seconds, CredentialLookup lookup);

  // REQUIRES: the request carries SigV2 credentials, in the header or the query, not both
  // (S3Authenticator decides).
  Result<AuthResult> Authenticate(const HttpRequestView& request) override;

  // "AWS <key>:<signature>": the Authorization header of Signature Version 2.
  static bool IsSigV2Header(std::string_view authorization);
  // A query (after '?') carrying Signature or AWSAccessKeyId: a SigV2 presigned URL.
  static bool IsSigV2Query(std::string_view raw_query);

 private:
  int64_t max_clock_skew_seconds_;
  CredentialLookup lookup_;
};

}  // namespace cairn::sigv4
