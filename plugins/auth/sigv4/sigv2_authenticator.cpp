#include "sigv2_authenticator.h"

#include <algorithm>
#include <charconv>
#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>

#include "amz_time.h"
#include "auth_params.h"
#include "body_decoder_factory.h"
#include "crypto.h"
#include "header_list.h"
#include "s3_errors.h"
#include "sigv2_signature.h"

namespace cairn::sigv4 {

namespace {

constexpr std::string_view kScheme = "AWS ";

Status DateRequired() {
  // s3cmd recognizes exactly this message (no final period), as S3 words it.
  return errors::AccessDenied("AWS authentication requires a valid Date or x-amz-date header");
}

struct Credentials {
  std::string access_key;
  std::string signature;  // base64, as sent
  std::string date_line;  // what the string to sign holds on its Date line
};

Result<Credentials> FromHeader(const HttpRequestView& request, std::string_view authorization,
                               int64_t max_skew) {
  std::string_view rest = TrimBlanks(TrimBlanks(authorization).substr(kScheme.size() - 1));
  size_t colon = rest.find(':');
  if (colon == std::string_view::npos || colon == 0 || colon + 1 == rest.size() ||
      rest.find_first_of(" \t") != std::string_view::npos) {
    return errors::InvalidArgument(
        "AWS authorization header is invalid.  Expected AwsAccessKeyId:signature");
  }
  Credentials c{std::string(rest.substr(0, colon)), std::string(rest.substr(colon + 1)), ""};

  // With x-amz-date, S3 takes the time from it and signs an empty Date line (the header itself
  // is signed among the amz headers), because some clients cannot set Date.
  std::optional<int64_t> when;
  if (const std::string* amz_date = FindHeader(request.headers, "x-amz-date")) {
    when = ParseClientDate(*amz_date);
  } else if (const std::string* date = FindHeader(request.headers, "date")) {
    when = ParseClientDate(*date);
    c.date_line = TrimBlanks(*date);
  }
  if (!when) return DateRequired();
  if (std::llabs(request.now_unix - *when) > max_skew) return errors::RequestTimeTooSkewed();
  return c;
}

Result<Credentials> FromQuery(const HttpRequestView& request, std::string_view query) {
  auto access_key = FindQueryParam(query, "AWSAccessKeyId");
  auto signature = FindQueryParam(query, "Signature");
  auto expires = FindQueryParam(query, "Expires");
  if (!access_key || !signature || !expires || access_key->empty() || signature->empty()) {
    return errors::AccessDenied(
        "Query-string authentication requires the Signature, Expires and AWSAccessKeyId "
        "parameters");
  }
  // Base64 has no spaces: a '+' sent unescaped was read as one.
  std::replace(signature->begin(), signature->end(), ' ', '+');
  int64_t expiry = 0;
  auto [end, ec] = std::from_chars(expires->data(), expires->data() + expires->size(), expiry);
  if (ec != std::errc() || end != expires->data() + expires->size() || expiry < 0) {
    return errors::AccessDenied("Invalid date (should be seconds since epoch): " +
                                expires->substr(0, 32));
  }
  if (request.now_unix > expiry) return errors::AccessDenied("Request has expired");
  return Credentials{std::move(*access_key), std::move(*signature), std::move(*expires)};
}

}  // namespace

SigV2Authenticator::SigV2Authenticator(int64_t max_clock_skew_seconds, CredentialLookup lookup)
    : max_clock_skew_seconds_(max_clock_skew_seconds), lookup_(std::move(lookup)) {}

bool SigV2Authenticator::IsSigV2Header(std::string_view authorization) {
  authorization = TrimBlanks(authorization);
  return authorization == "AWS" || authorization.substr(0, kScheme.size()) == kScheme;
}

bool SigV2Authenticator::IsSigV2Query(std::string_view raw_query) {
  return FindQueryParam(raw_query, "Signature").has_value() ||
         FindQueryParam(raw_query, "AWSAccessKeyId").has_value();
}

Result<AuthResult> SigV2Authenticator::Authenticate(const HttpRequestView& request) {
  const std::string* authorization = FindHeader(request.headers, "authorization");
  size_t q = request.uri.find('?');
  std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(request.uri).substr(q + 1);
  bool presigned = authorization == nullptr;
  auto parsed = presigned ? FromQuery(request, query)
                          : FromHeader(request, *authorization, max_clock_skew_seconds_);
  if (!parsed.ok()) return parsed.status();
  const Credentials& c = parsed.value();

  auto credential = lookup_(c.access_key);
  if (!credential.ok()) {
    if (credential.status().IsNotFound()) return errors::InvalidAccessKeyId();
    return credential.status();
  }
  SigV2Request to_sign{request.method, request.uri, request.virtual_host_bucket,
                       &request.headers, c.date_line};
  std::string expected = SigV2Sign(credential.value().secret, SigV2StringToSign(to_sign));
  SecureWipe(&credential.value().secret);
  bool match = ConstantTimeEquals(expected, c.signature);
  SecureWipe(&expected);
  if (!match) return errors::SignatureDoesNotMatch();

  // The body is not signed; verify what the client declared about it. The signed aws-chunked
  // modes chain chunk signatures from a SigV4 signing key, which this request has none of.
  std::string payload_hash = "UNSIGNED-PAYLOAD";
  if (const std::string* h = FindHeader(request.headers, "x-amz-content-sha256")) {
    payload_hash = *h;
  }
  if (payload_hash.starts_with("STREAMING-AWS4-HMAC-SHA256-PAYLOAD")) {
    return errors::InvalidRequest("x-amz-content-sha256 " + payload_hash.substr(0, 48) +
                                  " requires AWS Signature Version 4.");
  }
  return Authenticated(request, DecoderRequest{&request.headers, payload_hash, presigned, {}},
                       c.access_key, credential.value().user_id);
}

}  // namespace cairn::sigv4
