// The storage-node wire protocol shared by `cairn node` (the server) and transport/http (the
// client): header names, request signing, the mapping between Status and HTTP responses, and
// the percent-encoding of drive ids and shard names in request targets.
//
// Signing: X-Cairn-Signature = hex HMAC-SHA256(cluster_secret, method "\n" target "\n" date
// "\n" content_length), where target is the raw path?query as sent, date is X-Cairn-Date (unix
// seconds) and content_length is the decimal Content-Length for PUT and empty otherwise. The
// signature binds the body size, not its bytes: shard contents carry their own SHA-256
// checksums, checked by the core on every read.
//
// The library cairn_node_protocol, linked by both the core and the transport/http plugin (one
// definition of the protocol on both ends), so it depends only on the standard library, OpenSSL
// and cairn/status.h.
// Thread-safe (pure functions).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::cluster {

inline constexpr const char* kDateHeader = "X-Cairn-Date";
inline constexpr const char* kSignatureHeader = "X-Cairn-Signature";
// On an error response: the numeric cairn_code; the body is the message (text/plain).
inline constexpr const char* kErrorHeader = "X-Cairn-Error";
inline constexpr const char* kSizeHeader = "X-Cairn-Size";    // HEAD: shard size in bytes
inline constexpr const char* kMtimeHeader = "X-Cairn-Mtime";  // HEAD: unix seconds
// How far X-Cairn-Date may be from the node's clock.
inline constexpr int64_t kMaxClockSkewSeconds = 300;

// Lower-case hex HMAC-SHA256 of the string to sign described above.
std::string SignRequest(std::string_view secret, std::string_view method, std::string_view target,
                        std::string_view date, std::string_view content_length);

// OK when `signature` is the signature of the request and `date` is within the allowed skew of
// `now_unix`; AccessDenied otherwise. The comparison is constant-time.
Status VerifyRequest(std::string_view secret, std::string_view method, std::string_view target,
                     std::string_view date, std::string_view content_length,
                     std::string_view signature, int64_t now_unix);

// The HTTP status a node answers a failed Status with.
int HttpStatusOf(cairn_code code);
// The Status a client makes of an error response: `error_header` is X-Cairn-Error (empty
// when the response did not come from a node, e.g. a proxy), `body` its message.
Status StatusOfResponse(int http_status, std::string_view error_header, std::string_view body);

// Percent-encodes every byte outside [A-Za-z0-9._~-] (and '/' unless keep_slash).
std::string PercentEncode(std::string_view in, bool keep_slash);
// Decodes %XX escapes; nullopt on a malformed escape.
std::optional<std::string> PercentDecode(std::string_view in);

}  // namespace cairn::cluster
