// The metadata records of the S3 model and their encodings (see keys.h for where they live).
// Each record starts with its type byte and format version; Decode refuses anything else
// (and truncated or trailing bytes) with Corruption, so a format change is always a new
// version, never a silent misread. Version 2 added the checksum fields, version 3 inline data
// for objects, version 4 checksum types and part checksums, version 5 versioning, version 6
// object lock, version 7 lifecycle rules; older versions still decode.
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

#include "cairn/status.h"
#include "meta/lifecycle_rules.h"

namespace cairn {

using Pairs = std::vector<std::pair<std::string, std::string>>;

// One chunk of a segment: its size in object bytes and the k+m drives holding its shards
// (index i holds shard i: data shards first, then parity).
struct ChunkLayout {
  uint64_t size = 0;
  std::vector<std::string> drives;
};

// A run of object bytes written in one go (a PUT body, or one multipart part), with the codec
// that wrote it: reads resolve the codec from here, never from the current configuration.
struct Segment {
  std::string data_id;  // names the shard files: <data_id[0:2]>/<data_id>/c<chunk>.s<shard>
  uint64_t size = 0;
  std::string codec;  // stable codec name, e.g. "isal-rs/1"
  uint32_t k = 0;
  uint32_t m = 0;
  uint32_t block_size = 0;
  uint64_t chunk_size = 0;
  std::vector<ChunkLayout> chunks;
};

// Object lock on one object version (record version 6): a retention mode ("GOVERNANCE" or
// "COMPLIANCE", "" for none) with its retain-until date, and a legal hold.
struct ObjectLock {
  std::string mode;
  int64_t retain_until_ms = 0;
  bool legal_hold = false;
};

struct BucketRecord {
  std::string owner;
  int64_t created_ms = 0;
  std::string region;
  Pairs tags;  // bucket tagging (record version 4)
  // Versioning (record version 5): "" (never enabled), "Enabled" or "Suspended"; once enabled
  // a bucket never returns to "".
  std::string versioning;
  // Object lock (record version 6): enabled at creation (or later on a versioned bucket), never
  // disabled; the default retention new versions get ("" mode: none) in days or years.
  bool object_lock = false;
  std::string default_retention_mode;
  uint32_t default_retention_days = 0;
  uint32_t default_retention_years = 0;
  // Lifecycle (record version 7): the rules of PutBucketLifecycleConfiguration (none: no
  // lifecycle) and when they were last put, so the lifecycle worker knows to look at every
  // object of the bucket again.
  LifecycleRules lifecycle;
  int64_t lifecycle_set_ms = 0;
};

struct ObjectRecord {
  uint64_t size = 0;
  std::string etag;  // hex MD5, or "<hex>-<parts>" for multipart
  int64_t modified_ms = 0;
  std::string owner;
  std::string storage_class = "STANDARD";
  // Stored response headers: Content-Type, Content-Encoding, ..., and x-amz-meta-* (lowercase).
  Pairs headers;
  Pairs tags;
  uint32_t parts_count = 0;  // 0 for a plain PUT; segments are then the parts
  std::vector<Segment> segments;
  // The S3 additional checksum, if the client sent one: "crc32", "crc32c", "crc64nvme", "sha1"
  // or "sha256" and the base64 value. "<base64>-<parts>" is a multipart COMPOSITE checksum;
  // without the suffix it is a FULL_OBJECT checksum (the checksum of all the bytes).
  std::string checksum_algorithm;
  std::string checksum;
  // A multipart object's part checksums (base64, one per part in order; record version 4),
  // for GetObjectAttributes and partNumber reads. Empty without a checksum algorithm.
  std::vector<std::string> part_checksums;
  // Small objects live here instead of in shards (record version 3): with no segments, the
  // object's bytes are inline_data.
  std::string inline_data;
  // Versions (record version 5; objects/versions.h). version_id "" is the null version (every
  // object of a bucket that never had versioning, and what a Suspended bucket writes).
  // version_seq orders a key's versions (newer is larger; 0 in records from before version 5,
  // which then order by modified_ms). A delete marker has no data.
  std::string version_id;
  uint64_t version_seq = 0;
  bool delete_marker = false;
  ObjectLock lock;  // record version 6
};

struct UploadRecord {
  std::string key;
  std::string owner;
  int64_t initiated_ms = 0;
  std::string storage_class = "STANDARD";
  Pairs headers;
  Pairs tags;
  std::string checksum_algorithm;  // from x-amz-checksum-algorithm; parts must carry it
  // "COMPOSITE" or "FULL_OBJECT" (x-amz-checksum-type) with an algorithm, else empty.
  std::string checksum_type;
  ObjectLock lock;  // what the completed object gets (record version 6)
};

struct PartRecord {
  uint32_t number = 0;
  std::string etag;  // hex MD5 of the part
  int64_t modified_ms = 0;
  Segment segment;
  std::string checksum_algorithm;
  std::string checksum;  // base64
};

// A deferred free (key g/..., see keys.h): the segments of an object version that a metadata
// change left unreferenced, to be freed from due_ms on (record version 1).
struct GarbageRecord {
  int64_t due_ms = 0;
  std::vector<Segment> segments;
};

// A long read's lease on an object version's shards (key r/..., see keys.h): the deferred free
// waits while one has not expired (record version 1).
struct ReadLeaseRecord {
  int64_t expires_ms = 0;
};

// A completed multipart upload's answer (key c/<upload id>, see keys.h), kept for a while so
// that a CompleteMultipartUpload retried after it succeeded -- every SDK retries after a lost
// response -- answers the same 200 (record version 1).
struct CompletedUploadRecord {
  std::string bucket;
  std::string key;
  std::string parts_digest;  // identifies the completed part list (numbers and ETags)
  std::string etag;
  std::string checksum_algorithm;
  std::string checksum;
  int64_t completed_ms = 0;
  // The version the completion published ("" in a bucket that never had versioning; record
  // version 2), so a retried completion answers its x-amz-version-id too.
  std::string version_id;
};
// How long a completed upload's answer is kept; scrub passes remove older ones.
inline constexpr int64_t kCompletedUploadKeepMs = 24 * 3600 * 1000;

std::string Encode(const BucketRecord& r);
std::string Encode(const ObjectRecord& r);
std::string Encode(const UploadRecord& r);
std::string Encode(const PartRecord& r);
Status Decode(std::string_view in, BucketRecord* r);
Status Decode(std::string_view in, ObjectRecord* r);
Status Decode(std::string_view in, UploadRecord* r);
Status Decode(std::string_view in, PartRecord* r);
std::string Encode(const GarbageRecord& r);
std::string Encode(const ReadLeaseRecord& r);
Status Decode(std::string_view in, GarbageRecord* r);
Status Decode(std::string_view in, ReadLeaseRecord* r);

std::string Encode(const CompletedUploadRecord& r);
Status Decode(std::string_view in, CompletedUploadRecord* r);

}  // namespace cairn
