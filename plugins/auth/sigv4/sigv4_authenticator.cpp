#include "sigv4_authenticator.h"

#include <cstdlib>
#include <optional>
#include <string_view>

#include "amz_time.h"
#include "body_decoder_factory.h"
#include "canonical_request.h"
#include "crypto.h"
#include "header_list.h"
#include "s3_errors.h"

namespace cairn::sigv4 {

SigV4Authenticator::SigV4Authenticator(SigV4Settings settings, CredentialLookup lookup)
    : settings_(std::move(settings)), lookup_(std::move(lookup)) {}

Result<std::string> SigV4Authenticator::HeaderDate(const HttpRequestView& request,
                                                   const SignatureParams& params) {
  std::string amz_date;
  std::optional<int64_t> when;
  if (const std::string* x = FindHeader(request.headers, "x-amz-date")) {
    amz_date = *x;
    when = ParseAmzDate(amz_date);
  } else if (const std::string* d = FindHeader(request.headers, "date")) {
    when = ParseHttpDate(*d);
    if (when) amz_date = FormatAmzDate(*when);
  }
  if (!when) {
    return errors::AccessDenied("AWS authentication requires a valid Date or x-amz-date header.");
  }
  if (amz_date.compare(0, 8, params.scope.date) != 0) {
    return errors::HeaderMalformed(
        "The authorization header is malformed; Invalid credential date. Date is not the same as "
        "X-Amz-Date.");
  }
  if (std::llabs(request.now_unix - *when) > settings_.max_clock_skew_seconds) {
    return errors::RequestTimeTooSkewed();
  }
  return amz_date;
}

Status SigV4Authenticator::CheckPresignedTime(const HttpRequestView& request,
                                              const SignatureParams& params) {
  std::optional<int64_t> when = ParseAmzDate(params.amz_date);
  if (!when) {
    return errors::QueryMalformed(
        "X-Amz-Date must be in the ISO8601 Long Format "
        "\"yyyyMMdd'T'HHmmss'Z'\".");
  }
  if (params.amz_date.compare(0, 8, params.scope.date) != 0) {
    return errors::QueryMalformed("Invalid credential date. Date is not the same as X-Amz-Date.");
  }
  if (request.now_unix < *when - settings_.max_clock_skew_seconds) {
    return errors::AccessDenied("Request is not yet valid.");
  }
  if (request.now_unix > *when + params.expires_seconds) {
    return errors::AccessDenied("Request has expired");
  }
  return Status::Ok();
}

Status SigV4Authenticator::CheckAmzHeadersSigned(const HeaderList& headers,
                                                 std::string_view signed_headers) {
  for (const auto& [name, value] : headers) {
    if (name.size() < 6 || !EqualsIgnoreCase(std::string_view(name).substr(0, 6), "x-amz-")) {
      continue;
    }
    bool covered = false;
    size_t pos = 0;
    while (!covered && pos <= signed_headers.size()) {
      size_t semi = signed_headers.find(';', pos);
      if (semi == std::string_view::npos) semi = signed_headers.size();
      covered = EqualsIgnoreCase(signed_headers.substr(pos, semi - pos), name);
      pos = semi + 1;
    }
    // The name is ours to echo: the HTTP layer admits only token characters in header names.
    if (!covered) return errors::HeadersNotSigned(name.substr(0, 64));
  }
  return Status::Ok();
}

Result<std::string> SigV4Authenticator::HeaderPayloadHash(const HttpRequestView& request) {
  if (const std::string* h = FindHeader(request.headers, "x-amz-content-sha256")) return *h;
  // Without the header only a request with no body can be verified: its hash is known.
  const std::string* length = FindHeader(request.headers, "content-length");
  bool has_body = FindHeader(request.headers, "transfer-encoding") != nullptr ||
                  (length != nullptr && *length != "0" && !length->empty());
  if (has_body) {
    return errors::InvalidRequest("Missing required header for this request: x-amz-content-sha256");
  }
  return std::string(kEmptySha256Hex);
}

std::string SigV4Authenticator::SigningKey(const std::string& access_key,
                                           const std::string& secret,
                                           const CredentialScope& scope) {
  std::string cache_key = access_key + "\n" + scope.ToString() + "\n" + Sha256Hex(secret);
  {
    std::lock_guard<std::mutex> lock(keys_mutex_);
    auto it = signing_keys_.find(cache_key);
    if (it != signing_keys_.end()) return it->second;
  }
  std::string key = DeriveSigningKey(secret, scope);
  std::lock_guard<std::mutex> lock(keys_mutex_);
  if (signing_keys_.size() >= 4096) signing_keys_.clear();
  signing_keys_.emplace(std::move(cache_key), key);
  return key;
}

Result<AuthResult> SigV4Authenticator::Authenticate(const HttpRequestView& request) {
  const std::string* authorization = FindHeader(request.headers, "authorization");
  size_t q = request.uri.find('?');
  std::string_view query =
      q == std::string::npos ? std::string_view() : std::string_view(request.uri).substr(q + 1);
  bool presigned = FindQueryParam(query, "X-Amz-Algorithm").has_value();
  if (authorization == nullptr && !presigned) return AuthResult{};  // anonymous
  if (authorization != nullptr && presigned) {
    return errors::InvalidArgument(
        "Only one auth mechanism allowed; only the X-Amz-Algorithm query parameter or the "
        "Authorization header should be specified.");
  }

  auto parsed = presigned ? ParsePresignedQuery(query) : ParseAuthorizationHeader(*authorization);
  if (!parsed.ok()) return parsed.status();
  const SignatureParams& params = parsed.value();
  if (params.scope.service != settings_.service) {
    std::string msg = "The credential scope names the service '" +
                      params.scope.service.substr(0, 32) + "'; this endpoint is '" +
                      settings_.service + "'.";
    return presigned ? errors::QueryMalformed(msg) : errors::HeaderMalformed(msg);
  }

  std::string amz_date;
  std::string payload_hash;
  if (presigned) {
    CAIRN_RETURN_IF_ERROR(CheckPresignedTime(request, params));
    amz_date = params.amz_date;
    payload_hash = params.payload_hash.value_or("UNSIGNED-PAYLOAD");
  } else {
    auto date = HeaderDate(request, params);
    if (!date.ok()) return date.status();
    amz_date = date.value();
    auto hash = HeaderPayloadHash(request);
    if (!hash.ok()) return hash.status();
    payload_hash = hash.value();
  }

  CAIRN_RETURN_IF_ERROR(CheckAmzHeadersSigned(request.headers, params.signed_headers));

  auto credential = lookup_(params.access_key);
  if (!credential.ok()) {
    if (credential.status().IsNotFound()) return errors::InvalidAccessKeyId();
    return credential.status();
  }

  RequestToSign to_sign;
  to_sign.method = request.method;
  to_sign.uri = request.uri;
  to_sign.headers = &request.headers;
  to_sign.signed_headers = params.signed_headers;
  to_sign.payload_hash = payload_hash;
  to_sign.presigned = presigned;
  std::string signing_key = SigningKey(params.access_key, credential.value().secret, params.scope);
  SecureWipe(&credential.value().secret);
  std::string expected =
      SignHex(signing_key, StringToSign(amz_date, params.scope, CanonicalRequest(to_sign)));
  if (!ConstantTimeEquals(expected, params.signature)) {
    SecureWipe(&signing_key);
    return errors::SignatureDoesNotMatch();
  }

  DecoderRequest decoder_request{
      &request.headers, payload_hash, presigned,
      ChunkSigning{std::move(signing_key), amz_date, params.scope.ToString(), params.signature}};
  return Authenticated(request, std::move(decoder_request), params.access_key,
                       credential.value().user_id);
}

}  // namespace cairn::sigv4
