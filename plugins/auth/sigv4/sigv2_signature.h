// AWS Signature Version 2 as S3 computes it: the string to sign and the signature,
// base64(HMAC-SHA1(secret, StringToSign)), where
//
//   StringToSign = Method \n Content-MD5 \n Content-Type \n Date \n
//                  CanonicalizedAmzHeaders CanonicalizedResource
//
// The reference client is botocore's HmacV1Auth (signature_version "s3" and "s3-query"); s3cmd
// agrees with it wherever both sign. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "header_list.h"

namespace cairn::sigv4 {

// Every x-amz-* header as "name:value\n": lower-cased names in byte order, the values of a
// repeated name joined with ',' in the order received, each value trimmed of spaces and tabs.
std::string CanonicalizedAmzHeaders(const HeaderList& headers);

// "/<bucket>" + the raw path for a virtual-hosted-style request (the raw path alone for path
// style, with a '/' added to a bare "/bucket"), exactly as sent (no decoding), then the sub-resources S3 signs -- acl, uploadId,
// partNumber, versionId, the response-* overrides, ... -- sorted by name (stably) as
// "?a&b=v". Their values are percent-decoded once ('+' stays '+'), as botocore signs them;
// a parameter sent without '=' is signed without one. Names are recognized and signed
// percent-decoded, as the server routes on them ("?%61cl" signs "?acl"). Any other query
// parameter (list parameters, AWSAccessKeyId, Signature, Expires) is not part of the resource.
std::string CanonicalizedResource(std::string_view uri, std::string_view virtual_host_bucket);

struct SigV2Request {
  std::string_view method;
  std::string_view uri;  // the raw request target: path?query exactly as sent
  std::string_view virtual_host_bucket;  // empty: path style
  const HeaderList* headers = nullptr;
  // The Date line: the Date header as sent, empty when x-amz-date is present (that header is
  // then signed among the amz headers), or the Expires parameter of a presigned URL.
  std::string_view date;
};

std::string SigV2StringToSign(const SigV2Request& request);
// base64(HMAC-SHA1(secret, string_to_sign)).
std::string SigV2Sign(std::string_view secret, std::string_view string_to_sign);

}  // namespace cairn::sigv4
