// Object lock (WORM): per-version retention (GOVERNANCE, which the bucket owner may shorten or
// lift with x-amz-bypass-governance-retention, or COMPLIANCE, which nobody can shorten) and
// legal holds, in buckets created with object lock (or given it later while versioned), and
// the bucket's default retention for new versions. A locked version is never deleted for good:
// DeleteObjectVersion, DeleteObjects, lifecycle and every tool go through CheckDeletable.
// Deleting without a version id only adds a delete marker, which a lock never prevents.
#pragma once

#include <cstdint>
#include <string>

#include "meta/records.h"

namespace cairn {

inline constexpr const char* kLockGovernance = "GOVERNANCE";
inline constexpr const char* kLockCompliance = "COMPLIANCE";

// True for "GOVERNANCE" and "COMPLIANCE".
bool IsLockMode(const std::string& mode);

// Whether the version may be removed for good at `now_ms`: AccessDenied while a legal hold is
// on or its retention runs (GOVERNANCE retention yields to `bypass_governance`).
Status CheckDeletable(const ObjectRecord& version, int64_t now_ms, bool bypass_governance);

// Whether `current` may get the retention `next` (mode "" with until 0: none) at `now_ms`:
// COMPLIANCE retention that still runs can only be extended, never shortened, lifted or
// turned into GOVERNANCE; GOVERNANCE retention that still runs can be shortened, lifted or
// changed only with `bypass_governance`. AccessDenied otherwise.
Status CheckRetentionChange(const ObjectLock& current, const ObjectLock& next, int64_t now_ms,
                            bool bypass_governance);

// The lock a new version gets in `bucket`: `requested` when it names a mode or a legal hold,
// else the bucket's default retention from `now_ms`. InvalidRequest ("Bucket is missing Object
// Lock Configuration") when something was requested of a bucket without object lock.
Result<ObjectLock> LockForNewVersion(const BucketRecord& bucket, const ObjectLock& requested,
                                     int64_t now_ms);

}  // namespace cairn
