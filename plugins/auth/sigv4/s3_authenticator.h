// S3Authenticator: the auth plugin's schemes behind one Authenticator. It reads which scheme a
// request uses -- SigV4 (AWS4-HMAC-SHA256 header or X-Amz-Algorithm query) or SigV2 ("AWS"
// header or Signature/AWSAccessKeyId query) -- and hands the request to that scheme's
// authenticator. A request naming two mechanisms is refused, as S3 refuses it, and SigV2 is
// refused when turned off (allow_sigv2 = false). Thread-safe if the lookup is.
#pragma once

#include "cairn/authenticator.h"
#include "sigv2_authenticator.h"
#include "sigv4_authenticator.h"

namespace cairn::sigv4 {

class S3Authenticator : public Authenticator {
 public:
  S3Authenticator(SigV4Settings settings, bool allow_sigv2, CredentialLookup lookup);

  Result<AuthResult> Authenticate(const HttpRequestView& request) override;

 private:
  SigV4Authenticator v4_;
  SigV2Authenticator v2_;
  bool allow_sigv2_;
};

}  // namespace cairn::sigv4
