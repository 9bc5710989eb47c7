// Time and identifiers: the formats S3 responses use, and random ids.
#pragma once

#include <cstdint>
#include <optional>
#include <string>

namespace cairn {

int64_t NowMillis();
// "2026-11-24T10:25:44.123Z" (ListObjects LastModified, ...).
std::string Iso8601(int64_t millis);
// "Tue, 24 Nov 2026 10:25:44 GMT" (Last-Modified, Date headers).
std::string HttpDate(int64_t millis);
// Parses an HTTP date (RFC 1123, RFC 850 or asctime) to unix seconds.
std::optional<int64_t> ParseHttpDate(const std::string& text);
// Strict ISO 8601 as SDKs send it: "2026-12-01", "2026-12-01T00:00:00Z", "...T00:00:00.000Z",
// "...T00:00:00+00:00" (no surrounding space). Milliseconds since the epoch; nullopt when it is
// no such date or before 1970.
std::optional<int64_t> ParseIso8601(const std::string& text);
// `bytes` random bytes from the OS CSPRNG as lowercase hex.
std::string RandomHex(size_t bytes);

}  // namespace cairn
