// Request timestamps: the ISO 8601 basic form SigV4 signs ("20130524T000000Z") and the
// RFC 1123 HTTP Date header ("Fri, 24 May 2013 00:00:00 GMT"), both UTC. Pure functions.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::sigv4 {

// Seconds since the Unix epoch, or nullopt when `text` is not exactly YYYYMMDDTHHMMSSZ.
std::optional<int64_t> ParseAmzDate(std::string_view text);
// Seconds since the Unix epoch from an RFC 1123 date, or nullopt.
std::optional<int64_t> ParseHttpDate(std::string_view text);
// YYYYMMDDTHHMMSSZ for a Unix time.
std::string FormatAmzDate(int64_t unix_seconds);

// Trims spaces and tabs at both ends.
std::string_view TrimBlanks(std::string_view s);

// The dates clients put in Date or x-amz-date under SigV2: RFC 1123 with "GMT" (botocore),
// "+0000" (s3cmd, the AWS examples) or "UTC", and the ISO 8601 basic form SigV4 uses.
std::optional<int64_t> ParseClientDate(std::string_view text);

}  // namespace cairn::sigv4
