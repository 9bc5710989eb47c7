// What several S3 operation families share: loading buckets and objects, validating keys,
// stored headers, tagging, publishing an object version, and object response headers.
#pragma once

#include <string>

#include "meta/records.h"
#include "s3/conditions.h"
#include "s3/s3_request.h"

namespace cairn {

// A bucket record and its encoded form (the encoded form is the condition that publishing
// transactions check, so a concurrent DeleteBucket cannot leave objects behind).
struct LoadedBucket {
  BucketRecord record;
  std::string raw;
};

Result<LoadedBucket> LoadBucket(Services& svc, const std::string& bucket);
Result<ObjectRecord> LoadObject(Services& svc, const std::string& bucket, const std::string& key);
// Converts a Status from the Load functions or the data path into the S3 error to send.
S3Error ToS3(const Status& st);

// KeyTooLongError above 1024 bytes; InvalidArgument for an empty key or invalid UTF-8.
S3Outcome ValidateKey(const std::string& key);

// The headers S3 stores with an object: Content-Type (default binary/octet-stream),
// Content-Encoding/-Disposition/-Language, Cache-Control, Expires and x-amz-meta-*.
Pairs StoredHeaders(const S3Request& req);
// Parses "k1=v1&k2=v2" (x-amz-tagging) into tags, or InvalidTag.
Result<Pairs> ParseTagQuery(const std::string& text);
// Checks S3's tag limits (at most `max_tags`: 10 on an object, 50 on a bucket; key <= 128,
// value <= 256 bytes, unique keys).
S3Outcome ValidateTags(const Pairs& tags, size_t max_tags = 10);
// The Tagging document of Put/GetObjectTagging and Put/GetBucketTagging (MalformedXML).
Result<Pairs> ParseTaggingXml(const std::string& body);
std::string TaggingXml(const Pairs& tags);

// Publishes `record` as the current object in one metadata transaction that also requires the
// bucket to be unchanged and schedules the deferred free of the object it replaced (see
// FreeReplaced). On a definite failure the new record's shards are deleted (nothing references
// them); when the commit's outcome is unknown they are kept, since the record may have been
// published: the scrubber's orphan collection removes them if it was not.
// `repair` lists the data ids of segments written without every shard: they enter the repair
// queue in the same transaction. `condition` (If-Match / If-None-Match) must hold for the
// object it replaces, in that same transaction; when it does not, nothing is published.
S3Outcome PublishObject(Services& svc, const std::string& bucket, const std::string& key,
                        const ObjectRecord& record, const std::vector<std::string>& repair = {},
                        const WriteCondition& condition = {});

// Checks a conditional write against the current object before any data is written, so a
// write that must fail fails before its body is read (the publishing transaction checks again).
S3Outcome PrecheckWriteCondition(Services& svc, const std::string& bucket,
                                 const std::string& key, const WriteCondition& condition);

// Adds to `txn` -- the transaction that replaces or deletes the object version `replaced` --
// the deferred free of its shards (durability/deferred_free.h): they are removed
// storage.free_delay_seconds from now, when no GET that loaded the old record can still be
// reading them (longer GETs hold them with read leases). Nothing for an inline object.
void FreeReplaced(const Services& svc, Txn& txn, const ObjectRecord& replaced);

// ETag, Last-Modified, Content-Type and the stored headers, tagging count, storage class.
void SetObjectHeaders(S3Request& req, const ObjectRecord& o);

std::string Quoted(const std::string& etag);
std::string OwnerXml(const std::string& owner);

}  // namespace cairn

namespace cairn {
// The bucket of the request, which the principal must own (AccessDenied otherwise: tenants
// never see each other's buckets). When the request names the owner it expects in
// `expected_owner_header` (x-amz-expected-bucket-owner, or x-amz-source-expected-bucket-owner
// for a copy source), another owner is AccessDenied too.
inline constexpr const char* kExpectedOwner = "x-amz-expected-bucket-owner";
inline constexpr const char* kSourceExpectedOwner = "x-amz-source-expected-bucket-owner";
Result<LoadedBucket> RequireBucket(S3Request& req, const std::string& bucket,
                                   const char* expected_owner_header = kExpectedOwner);
}  // namespace cairn

namespace cairn {
// Write parameters for a new object under the configured storage settings. InvalidStorageClass
// for a class this server does not define.
Result<WriteParams> NewWriteParams(const S3Request& req, const std::string& bucket,
                                   const std::string& key, uint64_t size_hint);
}  // namespace cairn

namespace cairn {
// The additional checksum the body was verified against (empty algorithm when none).
// REQUIRES: the body was read to its end.
void VerifiedChecksum(const S3Request& req, std::string* algorithm, std::string* base64);
// Sets x-amz-checksum-<algorithm> when there is a checksum.
void SetChecksumHeader(S3Request& req, const std::string& algorithm, const std::string& base64);
}  // namespace cairn

namespace cairn {
// Parses x-amz-copy-source ("/bucket/key" or "bucket/key", URL-encoded, maybe ?versionId=).
S3Outcome ParseCopySource(const std::string& header, std::string* bucket, std::string* key);
}  // namespace cairn

namespace cairn {
// Removes a multipart upload (its record at `upload_key`, which must still equal `upload_raw`:
// Conflict otherwise), then its part keys (DeletePartKeys) and the parts' shards.
// Used by AbortMultipartUpload, DeleteBucket and the expiry of stale uploads.
Status AbortUpload(Services& svc, const std::string& upload_key, const std::string& upload_raw);

// Deletes the part keys of an upload whose record is already gone, in transactions of at most
// kMaxTxnOps operations (etcd refuses more than 128 per transaction, and an upload may have
// 10,000 parts). Best effort: a crash or an error leaves part keys without an upload, which
// scrub passes delete (the shards they name are then orphans, or belong to the completed
// object).
inline constexpr size_t kMaxTxnOps = 100;
void DeletePartKeys(Services& svc, const std::vector<KeyValue>& parts);
}  // namespace cairn

namespace cairn {
// What an upload body (PutObject, UploadPart) announces: the Content-MD5 to check it against
// (InvalidDigest when malformed) and its length (MissingContentLength without one and without
// chunked transfer encoding; EntityTooLarge above `max_size`).
struct UploadBodyHeaders {
  std::optional<std::string> md5;  // raw 16 bytes
  std::optional<uint64_t> length;
};
Result<UploadBodyHeaders> ReadUploadBodyHeaders(const S3Request& req, uint64_t max_size);
// Checks a small body read whole against its Content-MD5, if it has one (InvalidDigest,
// BadDigest).
S3Outcome CheckContentMd5(const S3Request& req, const std::string& body);
}  // namespace cairn
