// The S3 operations, one function each, grouped in files by family (bucket_ops.cpp,
// object_put.cpp, object_get.cpp, object_delete.cpp, list_objects.cpp, tagging.cpp,
// multipart.cpp). router.cpp maps requests to them.
#pragma once

#include "s3/s3_request.h"

namespace cairn {

S3Outcome ListBuckets(S3Request& req);
S3Outcome CreateBucket(S3Request& req);
S3Outcome DeleteBucket(S3Request& req);
S3Outcome HeadBucket(S3Request& req);
S3Outcome GetBucketLocation(S3Request& req);
S3Outcome PutBucketTagging(S3Request& req);  // bucket_tagging.cpp
S3Outcome GetBucketTagging(S3Request& req);
S3Outcome DeleteBucketTagging(S3Request& req);
S3Outcome PutBucketLifecycleConfiguration(S3Request& req);  // bucket_lifecycle.cpp
S3Outcome GetBucketLifecycleConfiguration(S3Request& req);
S3Outcome DeleteBucketLifecycleConfiguration(S3Request& req);
S3Outcome PutBucketVersioning(S3Request& req);  // bucket_versioning.cpp
S3Outcome GetBucketVersioning(S3Request& req);
S3Outcome PutObjectLockConfiguration(S3Request& req);  // object_lock_ops.cpp
S3Outcome GetObjectLockConfiguration(S3Request& req);

S3Outcome PutObject(S3Request& req);
S3Outcome CopyObject(S3Request& req);
S3Outcome GetObject(S3Request& req);  // also HEAD
S3Outcome GetObjectAttributes(S3Request& req);  // object_attributes.cpp
S3Outcome DeleteObject(S3Request& req);
S3Outcome DeleteObjects(S3Request& req);

S3Outcome ListObjects(S3Request& req);  // v1 and v2 (list-type=2)
S3Outcome ListObjectVersions(S3Request& req);  // list_versions.cpp

S3Outcome PutObjectTagging(S3Request& req);
S3Outcome GetObjectTagging(S3Request& req);
S3Outcome DeleteObjectTagging(S3Request& req);

S3Outcome PutObjectRetention(S3Request& req);  // object_lock_ops.cpp
S3Outcome GetObjectRetention(S3Request& req);
S3Outcome PutObjectLegalHold(S3Request& req);
S3Outcome GetObjectLegalHold(S3Request& req);

S3Outcome CreateMultipartUpload(S3Request& req);
S3Outcome UploadPart(S3Request& req);
S3Outcome CompleteMultipartUpload(S3Request& req);
S3Outcome AbortMultipartUpload(S3Request& req);
S3Outcome ListParts(S3Request& req);
S3Outcome ListMultipartUploads(S3Request& req);

}  // namespace cairn
