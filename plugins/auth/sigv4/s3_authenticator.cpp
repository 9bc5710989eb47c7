#include "s3_authenticator.h"

#include <string_view>

#include "auth_params.h"
#include "header_list.h"
#include "s3_errors.h"

namespace cairn::sigv4 {

S3Authenticator::S3Authenticator(SigV4Settings settings, bool allow_sigv2,
                                 CredentialLookup lookup)
    : v4_(settings, lookup),
      v2_(settings.max_clock_skew_seconds, std::move(lookup)),
      allow_sigv2_(allow_sigv2) {}

Result<AuthResult> S3Authenticator::Authenticate(const HttpRequestView& request) {
  const std::string* authorization = FindHeader(request.headers, "authorization");
  size_t q = request.uri.find('?');
  std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(request.uri).substr(q + 1);
  bool v4_query = FindQueryParam(query, "X-Amz-Algorithm").has_value();
  bool v2_query = SigV2Authenticator::IsSigV2Query(query);
  if (int(authorization != nullptr) + int(v4_query) + int(v2_query) > 1) {
    return errors::InvalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter, Signature "
        "query string parameter or the Authorization header should be specified");
  }
  bool v2 = v2_query ||
            (authorization != nullptr && SigV2Authenticator::IsSigV2Header(*authorization));
  if (!v2) return v4_.Authenticate(request);
  if (!allow_sigv2_) {
    return errors::InvalidRequest(
        "The authorization mechanism you have provided is not supported. Please use "
        "AWS4-HMAC-SHA256.");
  }
  return v2_.Authenticate(request);
}

}  // namespace cairn::sigv4
