// What several S3 operation families share: validating keys, stored headers, tagging, the
// bucket a request may use, and object response headers. The object model itself (loading,
// publishing, deleting) is in objects/.
#pragma once

#include <string>

#include "meta/records.h"
#include "objects/buckets.h"
#include "objects/objects.h"
#include "objects/uploads.h"
#include "s3/conditions.h"
#include "s3/s3_request.h"

namespace cairn {

// Converts a Status from the object model (objects/) or the data path into the S3 error to send.
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
// Write parameters for a new object in the storage class of x-amz-storage-class (default
// STANDARD); InvalidStorageClass for a class this server does not define.
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
S3Outcome ParseCopySource(const std::string& header, std::string* bucket, std::string* key,
                          std::optional<std::string>* version_id);

// The version a copy reads: the current one (NoSuchKey when it is a delete marker) or the one
// named by versionId (InvalidRequest when that is a delete marker).
Result<ObjectRecord> LoadCopySource(Services& svc, const std::string& bucket,
                                    const std::string& key,
                                    const std::optional<std::string>& version_id);

// The version a request names with ?versionId= (nullopt: the current one).
std::optional<std::string> RequestedVersion(const S3Request& req);
// That version of the request's object. A delete marker is not an object: the current version
// being one is 404 NoSuchKey, one named by id 405 MethodNotAllowed (as S3 answers); both set
// x-amz-delete-marker and x-amz-version-id on the response.
Result<ObjectRecord> LoadRequestedObject(S3Request& req);
// As S3 answers for a delete marker where an object was wanted (see LoadRequestedObject).
Status DeleteMarkerError(S3Request& req, const ObjectRecord& marker, bool named_by_id);

// The lock a write asks for with x-amz-object-lock-mode, -retain-until-date and -legal-hold
// (InvalidArgument when they are incomplete or invalid); objects/object_lock.h decides what
// the new version gets (object_lock_ops.cpp).
Result<ObjectLock> RequestedLock(const S3Request& req);
// The lock a new version written by this request gets in `bucket`: what it asks for, else the
// bucket's default retention (InvalidRequest when it asks a bucket without object lock).
Result<ObjectLock> LockForWrite(const S3Request& req, const BucketRecord& bucket);
// x-amz-bypass-governance-retention: true.
bool BypassGovernance(const S3Request& req);
// The x-amz-object-lock-* headers of a version that has a lock.
void SetLockHeaders(S3Request& req, const ObjectLock& lock);

// x-amz-version-id for `o` when the bucket has (or had) versioning or the version has an id.
void SetVersionIdHeader(S3Request& req, const BucketRecord& bucket, const ObjectRecord& o);
// x-amz-expiration, when the bucket's lifecycle rules expire `o`, the current version of
// req.key (objects/lifecycle_expiration.h).
void SetExpirationHeader(S3Request& req, const BucketRecord& bucket, const ObjectRecord& o);
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
