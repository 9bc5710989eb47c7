// Object versions (S3 versioning). A key's current version lives at o/<bucket>/<key> -- in a
// versioned bucket it may be a delete marker -- and its noncurrent versions at
// v/<bucket>/<key>\0<~seq>, newest first (meta/keys.h). So listing current objects stays one
// range scan of o/, and a key has noncurrent versions only while it has a current one.
//
// Every change to a key's versions is one transaction that requires the current version
// unchanged, so writers through any number of gateways yield one linear history; a new
// version's seq exceeds the current one's, so version order is that history's order.
// A version id is "null" (the null version: every object of a bucket that never had
// versioning, and whatever a Suspended bucket writes) or 16 hex digits of the version's seq.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "meta/records.h"
#include "objects/services.h"

namespace cairn {

inline constexpr const char* kVersioningEnabled = "Enabled";
inline constexpr const char* kVersioningSuspended = "Suspended";

// The version id of a non-null version of order `seq`.
std::string VersionIdOf(uint64_t seq);
// "null" or the record's version id.
std::string VersionIdText(const ObjectRecord& r);
// The order of a version among its key's versions (records from before versioning order by
// their modification time).
uint64_t SeqOf(const ObjectRecord& r);
// The seq for a new version of a key whose current version is `current` (nullptr: none):
// the present time in microseconds, and always after `current`.
uint64_t NextSeq(const ObjectRecord* current);
// Validates a versionId parameter: "null" or 16 lowercase hex digits; InvalidArgument
// ("Invalid version id specified") otherwise.
Status ValidateVersionId(const std::string& text);

// One version of a key, where it is stored.
struct LoadedVersion {
  std::string meta_key;  // o/... when current, v/... when noncurrent
  std::string raw;       // the stored record, for transaction conditions
  ObjectRecord record;
  bool current = false;
};

// The version `version_id` ("null" or an id) of the key, or the current version when
// `version_id` is nullopt. Delete markers are returned like any version. Errors: NoSuchBucket;
// NoSuchKey (no current version); NoSuchVersion; InvalidArgument (a malformed id).
Result<LoadedVersion> LoadVersion(Services& svc, const std::string& bucket,
                                  const std::string& key,
                                  const std::optional<std::string>& version_id);

// Finds the key's noncurrent null version, if it has one.
Result<std::optional<LoadedVersion>> FindNoncurrentNull(Services& svc, const std::string& bucket,
                                                        const std::string& key);

// Adds to `txn` what making `next` the current version of a key does to the versions there:
// `current` (the current version, nullptr when none) is kept as a noncurrent version in a
// versioned bucket -- unless both are null versions, when `current` is replaced and freed --
// and a Suspended bucket's noncurrent null version goes (it is replaced by `next`).
// `versioning` is the bucket's state; "" frees `current` as an unversioned overwrite does.
Status SupersedeCurrent(Services& svc, const std::string& bucket, const std::string& key,
                        const std::string& versioning, const ObjectRecord* current,
                        const std::string& current_raw, const ObjectRecord& next, Txn& txn);

// Reads, changes and writes back one version's record (tagging, retention...), retrying on
// conflicts; `change` may refuse with an error. The version's data is unchanged.
Status UpdateVersion(Services& svc, const std::string& bucket, const std::string& key,
                     const std::optional<std::string>& version_id,
                     const std::function<Status(ObjectRecord&)>& change);

}  // namespace cairn
