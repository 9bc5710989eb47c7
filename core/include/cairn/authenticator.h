// Authenticator: turns an HTTP request into a principal, or a precise S3 error, and verifies
// the request body as it streams (payload hashes, aws-chunked signatures, trailing checksums).
//
// The core owns identities: an authenticator asks the host for an access key's secret through
// cairn_host.lookup_secret. Secrets never appear in errors or logs. Thread-safe; a body
// decoder is used by one thread at a time.
#pragma once

#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "cairn/abi.h"
#include "cairn/status.h"

#ifdef __cplusplus
extern "C" {
#endif

typedef struct cairn_header {
  const char* name;   // as received; compare case-insensitively
  const char* value;
} cairn_header;

typedef struct cairn_http_request {
  uint32_t struct_size;
  const char* method;
  const char* uri;  // the raw request target: path and query exactly as sent
  const cairn_header* headers;
  size_t header_count;
  int64_t now_unix;  // the server's clock, for skew and expiry checks
  // ABI 1.4. The bucket the Host header names when the request is virtual-hosted style
  // ("<bucket>.<domain>", see server.virtual_host_domains); NULL for path style. Signature
  // Version 2 signs "/<bucket>" + path for such requests. Read it only when struct_size covers it.
  const char* virtual_host_bucket;
} cairn_http_request;

typedef struct cairn_principal {
  int32_t anonymous;  // 1 when the request carried no credentials at all
  char access_key[128];
  char user_id[128];
} cairn_principal;

typedef struct cairn_auth_vtable {
  uint32_t struct_size;
  // Authenticates a request. On CAIRN_OK fills *principal and sets *body_decoder to a decoder
  // the host must push the raw request body through (NULL when the body needs no decoding or
  // verification). Failures carry the S3 code in err->s3_code (AccessDenied,
  // SignatureDoesNotMatch, InvalidAccessKeyId, RequestTimeTooSkewed, AuthorizationQueryParametersError, ...).
  int32_t (*authenticate)(void* instance, const cairn_http_request* request,
                          cairn_principal* principal, void** body_decoder, cairn_error* err);
  // Feeds raw body bytes; decoded payload bytes go to sink. Fails as soon as a chunk
  // signature or framing is wrong.
  int32_t (*body_feed)(void* decoder, cairn_bytes raw, cairn_sink_fn sink, void* sink_ctx,
                       cairn_error* err);
  // Called at the end of the raw body: checks the payload hash, final chunk and trailing
  // checksums. Only after CAIRN_OK may the host make the payload visible.
  int32_t (*body_finish)(void* decoder, cairn_error* err);
  void (*body_free)(void* decoder);
  // ABI 1.1. After body_finish returned CAIRN_OK: writes the S3 additional checksum the body
  // was verified against (algorithm "crc32", "crc32c", "sha1" or "sha256", and the base64
  // value) and returns CAIRN_OK, or returns CAIRN_NOT_FOUND when the request carried none.
  int32_t (*body_checksum)(void* decoder, char* algorithm, size_t algorithm_cap, char* value,
                           size_t value_cap);
} cairn_auth_vtable;

#ifdef __cplusplus
}

namespace cairn {

struct HttpRequestView {
  std::string method;
  std::string uri;
  std::vector<std::pair<std::string, std::string>> headers;
  int64_t now_unix = 0;
  // The bucket named by the Host header of a virtual-hosted-style request; empty for path style.
  std::string virtual_host_bucket;
};

struct Principal {
  bool anonymous = true;
  std::string access_key;
  std::string user_id;
};

// Decodes and verifies a request body as it streams.
class BodyDecoder {
 public:
  virtual ~BodyDecoder() = default;
  // Appends the decoded payload bytes of `raw` to *out.
  virtual Status Feed(const uint8_t* raw, size_t size, std::string* out) = 0;
  virtual Status Finish() = 0;
  // After Finish() succeeded: the additional checksum (x-amz-checksum-*) the body was
  // verified against, as an algorithm ("crc32", "crc32c", "sha1", "sha256") and base64 value.
  virtual bool VerifiedChecksum(std::string* algorithm, std::string* base64) const {
    return false;
  }
};

struct AuthResult {
  Principal principal;
  std::unique_ptr<BodyDecoder> body;  // null: the body passes through unchanged
};

class Authenticator {
 public:
  virtual ~Authenticator() = default;
  virtual Result<AuthResult> Authenticate(const HttpRequestView& request) = 0;
};

}  // namespace cairn
#endif
