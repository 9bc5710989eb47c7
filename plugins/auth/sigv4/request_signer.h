// RequestSigner: the client side of SigV4 (header authentication), for Cairn's own clients
// (`cairn admin`, `cairn bench`). It builds the canonical request with the same code the
// authenticator verifies with, so a request signed here is exactly what the server expects.
// Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "header_list.h"

namespace cairn::sigv4 {

// The payload hash to sign when the body is not hashed up front.
inline constexpr char kUnsignedPayload[] = "UNSIGNED-PAYLOAD";

struct SigningInput {
  std::string method;  // "GET", "PUT", ...
  std::string uri;     // the request target exactly as it will be sent: path?query
  // The headers to sign, exactly as they will be sent. REQUIRES: includes Host. Any
  // x-amz-date, x-amz-content-sha256 or Authorization given here is ignored (SignRequest makes
  // those); hop-by-hop headers and User-Agent are sent but not signed, because proxies and
  // HTTP libraries rewrite them.
  HeaderList headers;
  std::string payload_sha256_hex;  // lowercase hex SHA-256 of the body, or kUnsignedPayload
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string service = "s3";
  int64_t now_unix = 0;  // the signing time, seconds since the Unix epoch
};

// Returns the headers to add to the request: Authorization, x-amz-date and
// x-amz-content-sha256, in that order. The secret appears in none of them.
HeaderList SignRequest(const SigningInput& input);

}  // namespace cairn::sigv4
