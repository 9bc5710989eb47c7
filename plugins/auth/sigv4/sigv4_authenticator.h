// SigV4Authenticator: AWS Signature Version 4 as S3 speaks it. Verifies the Authorization header
// or a presigned URL, then hands back the body decoder the payload hash asks for (a streaming
// SHA-256 check, aws-chunked signature chains, trailing or header checksums).
//
// It knows no host: credentials come from a lookup function (the plugin wires it to the host's
// lookup_secret), so tests construct it directly. Thread-safe if the lookup is; the settings
// are read-only.
#pragma once

#include <cstdint>
#include <functional>
#include <mutex>
#include <string>
#include <unordered_map>

#include "auth_params.h"
#include "header_list.h"
#include "cairn/authenticator.h"

namespace cairn::sigv4 {

struct Credential {
  std::string secret;
  std::string user_id;
};

// NotFound when the access key is unknown; any other error is passed through unchanged.
using CredentialLookup = std::function<Result<Credential>(const std::string& access_key)>;

struct SigV4Settings {
  // How far X-Amz-Date may be from the server clock (and how early a presigned URL may be used).
  int64_t max_clock_skew_seconds = 900;
  // This server's region. Requests are accepted whatever region their credential scope names
  // (clients often default to us-east-1), so this is informational for now.
  std::string region = "us-east-1";
  // The service the credential scope must name. Always "s3" in the plugin; the AWS SigV4 test
  // suite signs for "service", which is why it is a setting at all.
  std::string service = "s3";
};

class SigV4Authenticator : public Authenticator {
 public:
  SigV4Authenticator(SigV4Settings settings, CredentialLookup lookup);

  Result<AuthResult> Authenticate(const HttpRequestView& request) override;

 private:
  // The date the request was signed at, checked against the scope and the clock.
  Result<std::string> HeaderDate(const HttpRequestView& request, const SignatureParams& params);
  Status CheckPresignedTime(const HttpRequestView& request, const SignatureParams& params);
  Result<std::string> HeaderPayloadHash(const HttpRequestView& request);
  // AccessDenied (as AWS: "headers present in the request which were not signed") for an
  // x-amz-* header that `signed_headers` does not name, for header and query signatures alike.
  static Status CheckAmzHeadersSigned(const HeaderList& headers, std::string_view signed_headers);

  // The signing key of (access key, scope, secret), derived with four HMACs once and then
  // reused: it only changes daily. The secret enters the cache key as its SHA-256, so a changed
  // secret misses. Bounded; cleared when full.
  std::string SigningKey(const std::string& access_key, const std::string& secret,
                         const CredentialScope& scope);

  SigV4Settings settings_;
  CredentialLookup lookup_;
  std::mutex keys_mutex_;
  std::unordered_map<std::string, std::string> signing_keys_;
};

}  // namespace cairn::sigv4
