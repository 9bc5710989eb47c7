// What a bucket's lifecycle rules say about one object's current version, for the responses
// that announce it: the x-amz-expiration header of GetObject, HeadObject, PutObject, CopyObject
// and CompleteMultipartUpload. Informational only: the Lua lifecycle policy decides what is
// actually expired and when. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>

#include "meta/lifecycle_rules.h"
#include "meta/records.h"

namespace cairn {

// True when `rule`'s filter selects the object: the key starts with the prefix, every tag of
// the filter is among `tags` with the same value, and the size is strictly greater than
// ObjectSizeGreaterThan and strictly less than ObjectSizeLessThan when those are given.
// The rule's status is not looked at.
bool RuleMatches(const LifecycleRule& rule, const std::string& key, uint64_t size,
                 const Pairs& tags);

// When `rule`'s Expiration makes a current version modified at `modified_ms` due, in ms since
// the epoch; -1 when the rule has no Expiration Days or Date. With Days and real days
// (`seconds_per_day` 86400), S3's rule: the modification time plus the days, rounded up to
// the next midnight UTC; with a shortened day (tests) no rounding.
int64_t ExpirationDueMs(const LifecycleRule& rule, int64_t modified_ms, int64_t seconds_per_day);

// The value of x-amz-expiration for the current version: the enabled matching rule with the
// earliest expiry (the first listed on a tie), as
// `expiry-date="Fri, 23 Dec 2012 00:00:00 GMT", rule-id="picture-deletion-rule"`; "" when no
// rule expires the object. Bytes of the rule ID that a quoted header value cannot carry
// (controls, '"', '\', non-ASCII) are percent-encoded.
std::string ExpirationHeader(const LifecycleRules& rules, const std::string& key, uint64_t size,
                             const Pairs& tags, int64_t modified_ms, int64_t seconds_per_day);

}  // namespace cairn
