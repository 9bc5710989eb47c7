// Parses what a client says about its signature, from the Authorization header or from the
// presigned-URL query parameters, into one form. Syntax only: the authenticator checks dates,
// keys and the signature itself. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/status.h"
#include "canonical_request.h"

namespace cairn::sigv4 {

struct SignatureParams {
  bool presigned = false;
  std::string access_key;
  CredentialScope scope;
  std::string signed_headers;  // "host;x-amz-date", lowercase, as the client listed them
  std::string signature;       // lowercase hex, as sent
  // Presigned only (header auth takes these from headers).
  std::string amz_date;
  int64_t expires_seconds = 0;
  std::optional<std::string> payload_hash;  // X-Amz-Content-Sha256 in the query
};

// `value` is the whole Authorization header. AuthorizationHeaderMalformed when it is not a
// well-formed AWS4-HMAC-SHA256 header; AccessDenied when it is another scheme (e.g. SigV2).
Result<SignatureParams> ParseAuthorizationHeader(std::string_view value);
// `raw_query` is everything after '?'. AuthorizationQueryParametersError when a parameter is
// missing or malformed, or X-Amz-Expires is outside 1..604800.
Result<SignatureParams> ParsePresignedQuery(std::string_view raw_query);
// The decoded value of the first query parameter called `name`, if any.
std::optional<std::string> FindQueryParam(std::string_view raw_query, std::string_view name);

}  // namespace cairn::sigv4
