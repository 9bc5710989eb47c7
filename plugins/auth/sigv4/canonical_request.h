// The SigV4 canonical request, string to sign and signature, exactly as S3 computes them.
//
// S3 differs from other AWS services in one place: the path is percent-decoded once and
// re-encoded, with no dot-segment or duplicate-slash normalization and no double encoding.
// Service and region are parameters so that the generic AWS test suite can run against this
// code. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>

#include "header_list.h"

namespace cairn::sigv4 {

// The algorithm name, in Authorization headers and X-Amz-Algorithm.
inline constexpr std::string_view kAlgorithm = "AWS4-HMAC-SHA256";

// Percent-encodes every byte except A-Z a-z 0-9 - . _ ~ (and '/' when keep_slash), as %XX with
// uppercase hex.
std::string UriEncode(std::string_view bytes, bool keep_slash);
// Decodes %XX escapes once; a '%' not followed by two hex digits stays as it is. With
// plus_is_space, '+' decodes to a space (form encoding, which some clients use in queries).
std::string PercentDecode(std::string_view text, bool plus_is_space);

// The canonical URI of a raw path (the request target before '?').
std::string CanonicalUri(std::string_view raw_path);
// The canonical query string of a raw query (after '?'); drop_signature leaves out
// X-Amz-Signature, as presigned URLs require.
std::string CanonicalQuery(std::string_view raw_query, bool drop_signature);
// "name:value\n" for each name of `signed_headers` ("a;b;c"), in that order; several values of
// one header are joined with ','; values are trimmed and inner runs of spaces collapsed.
std::string CanonicalHeaders(const HeaderList& headers, std::string_view signed_headers);

struct RequestToSign {
  std::string_view method;
  std::string_view uri;  // the raw request target: path?query exactly as sent
  const HeaderList* headers = nullptr;
  std::string_view signed_headers;  // as in the Authorization header: "host;x-amz-date"
  std::string_view payload_hash;
  bool presigned = false;
};

std::string CanonicalRequest(const RequestToSign& request);

struct CredentialScope {
  std::string date;  // YYYYMMDD
  std::string region;
  std::string service;
  // "date/region/service/aws4_request"
  std::string ToString() const;
};

std::string StringToSign(std::string_view amz_date, const CredentialScope& scope,
                         std::string_view canonical_request);
// The raw 32-byte signing key: HMAC chain over date, region, service and "aws4_request".
std::string DeriveSigningKey(std::string_view secret, const CredentialScope& scope);
// The lowercase hex HMAC-SHA256 of string_to_sign.
std::string SignHex(std::string_view signing_key, std::string_view string_to_sign);

}  // namespace cairn::sigv4
