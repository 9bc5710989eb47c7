// The S3 model as keys of the ordered metadata store. Every key starts with a one-letter
// family and a '/', so families never interleave and new ones (versions "v/", tenants "t/",
// policies "y/") can be added later without migrating existing keys:
//   b/<bucket>                       bucket record
//   o/<bucket>/<key>                 the current object version (its record holds the
//                                    manifest); in a versioned bucket maybe a delete marker
//   v/<bucket>/<key>\0<~seq, 16 hex> a noncurrent version of the key, newest first; a key has
//                                    noncurrent versions only while it has a current one
//   l/promotions                     bumped whenever a noncurrent version becomes current
//                                    again (the orphan sweep's guard, see scrubber.cpp)
//   u/<bucket>/<key>\0<upload id>    an in-progress multipart upload
//   p/<upload id>/<part, 5 digits>   an uploaded part
//   q/<data id>                      repair queue: a segment written without every shard; the
//                                    value is the key of the record holding the segment
//   n/<node name>                    cluster map: a storage node (JSON, see node_record.h)
//   l/rebalancer                     the rebalancer's lease and progress (JSON)
//   g/<due ms, 16 hex>/<data id>     deferred free: the shards of an object version that an
//                                    overwrite or delete replaced, freed once due (the data id
//                                    is the version's first segment's; GarbageRecord)
//   r/<data id>/<reader id>          a long GET's read lease on the version whose first
//                                    segment is <data id> (ReadLeaseRecord)
//   d/<due ms, 16 hex>/<bucket>/<key> lifecycle: the key's versions and uploads are due for
//                                    evaluation (lifecycle/lifecycle_worker.h); empty value
//   l/lifecycle                      the lifecycle worker's lease and progress (JSON)
//   e/<bucket>                       the lifecycle worker's walk of the bucket's keys after
//                                    its rules changed ("<generation>\n<last key or done>")
// Bucket names never contain '/', so "o/<bucket>/" is exactly the bucket's keyspace, and keys
// inside it order bytewise, which is S3's listing order (UTF-8 binary).
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn::keys {

std::string Bucket(std::string_view bucket);
inline constexpr std::string_view kBucketPrefix = "b/";
std::string Object(std::string_view bucket, std::string_view key);
std::string ObjectPrefix(std::string_view bucket);
// A noncurrent version of `key`, ordered newest (largest seq) first.
std::string Version(std::string_view bucket, std::string_view key, uint64_t seq);
// Every noncurrent version of `key` (and of no other key).
std::string VersionsOfKey(std::string_view bucket, std::string_view key);
std::string VersionPrefix(std::string_view bucket);  // every noncurrent version in the bucket
inline constexpr std::string_view kVersionFamily = "v/";
// How logs and reports name the record at a key: "bucket/key" for o/ and p/ keys,
// "bucket/key?versionId=<id>" for a noncurrent version.
std::string Describe(std::string_view record_key);
inline constexpr std::string_view kPromotions = "l/promotions";
std::string Upload(std::string_view bucket, std::string_view key, std::string_view upload_id);
std::string UploadPrefix(std::string_view bucket);
std::string Part(std::string_view upload_id, uint32_t part_number);
std::string PartPrefix(std::string_view upload_id);
std::string Repair(std::string_view data_id);
inline constexpr std::string_view kRepairPrefix = "q/";
inline constexpr std::string_view kObjectFamily = "o/";
inline constexpr std::string_view kPartFamily = "p/";
inline constexpr std::string_view kNodePrefix = "n/";
inline constexpr std::string_view kRebalancerLease = "l/rebalancer";
std::string Node(std::string_view name);

// Deferred frees order by due time, so the entries due by `now_ms` are the range
// [kGarbagePrefix, GarbageDueEnd(now_ms)).
inline constexpr std::string_view kGarbagePrefix = "g/";
std::string Garbage(int64_t due_ms, std::string_view data_id);
std::string GarbageDueEnd(int64_t now_ms);
// The data id of a Garbage key ("" when it is not one).
std::string GarbageDataId(std::string_view key);
inline constexpr std::string_view kReadLeasePrefix = "r/";
std::string ReadLease(std::string_view data_id, std::string_view reader_id);
std::string ReadLeasePrefix(std::string_view data_id);
// The data id of a ReadLease key ("" when it is not one).
std::string ReadLeaseDataId(std::string_view key);

// The lifecycle due index orders by due time, like the deferred frees.
inline constexpr std::string_view kLifecycleDuePrefix = "d/";
inline constexpr std::string_view kLifecycleLease = "l/lifecycle";
std::string LifecycleDue(int64_t due_ms, std::string_view bucket, std::string_view key);
std::string LifecycleDueEnd(int64_t now_ms);
std::string LifecycleIntake(std::string_view bucket);
// Splits a LifecycleDue key; false when it is not one.
bool ParseLifecycleDue(std::string_view entry, int64_t* due_ms, std::string* bucket,
                       std::string* key);

// The answer of a completed multipart upload, for retried completions (CompletedUploadRecord).
inline constexpr std::string_view kCompletedUploadPrefix = "c/";
std::string CompletedUpload(std::string_view upload_id);

// The smallest key greater than every key starting with `prefix` ("" when there is none,
// which Scan reads as "unbounded").
std::string PrefixEnd(std::string_view prefix);

}  // namespace cairn::keys
