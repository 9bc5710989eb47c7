#include "s3/router.h"

#include "s3/handlers.h"
#include "s3/refusals.h"

namespace cairn {
namespace {

// Subresources S3 defines that Cairn does not implement yet.
const char* const kUnimplemented[] = {
    "acl",       "policy",          "lifecycle",
    "cors",      "website",         "logging",     "notification",  "replication",
    "encryption", "restore",
    "select",    "accelerate",      "requestPayment", "analytics",  "inventory",
    "metrics",   "intelligent-tiering", "ownershipControls", "publicAccessBlock",
    "policyStatus",  "torrent",     "website",       "renameObject"};

S3Outcome NotImplemented(S3Request& req) {
  std::string what;
  for (const char* sub : kUnimplemented) {
    if (req.HasQuery(sub)) what = sub;
  }
  return S3Error::Of("NotImplemented", what.empty()
                                           ? "This operation is not implemented by Cairn yet."
                                           : "The '" + what + "' subresource is not implemented "
                                                              "by Cairn yet.");
}

bool HasUnimplemented(const S3Request& req) {
  for (const char* sub : kUnimplemented) {
    if (req.HasQuery(sub)) return true;
  }
  return false;
}

S3Outcome RouteBucket(S3Request& req) {
  const std::string& m = req.method;
  if (req.HasQuery("lifecycle")) {  // a bucket's; on an object it stays NotImplemented
    if (m == "PUT") return PutBucketLifecycleConfiguration(req);
    if (m == "GET") return GetBucketLifecycleConfiguration(req);
    if (m == "DELETE") return DeleteBucketLifecycleConfiguration(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (HasUnimplemented(req)) return NotImplemented(req);
  if (req.HasQuery("versioning")) {
    if (m == "PUT") return PutBucketVersioning(req);
    if (m == "GET") return GetBucketVersioning(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (req.HasQuery("object-lock")) {
    if (m == "PUT") return PutObjectLockConfiguration(req);
    if (m == "GET") return GetObjectLockConfiguration(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (req.HasQuery("versions")) {
    if (m == "GET") return ListObjectVersions(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (req.HasQuery("tagging")) {
    if (m == "PUT") return PutBucketTagging(req);
    if (m == "GET") return GetBucketTagging(req);
    if (m == "DELETE") return DeleteBucketTagging(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (m == "PUT") return CreateBucket(req);
  if (m == "DELETE") return DeleteBucket(req);
  if (m == "HEAD") return HeadBucket(req);
  if (m == "GET") {
    if (req.HasQuery("location")) return GetBucketLocation(req);
    if (req.HasQuery("uploads")) return ListMultipartUploads(req);
    return ListObjects(req);
  }
  if (m == "POST" && req.HasQuery("delete")) return DeleteObjects(req);
  if (m == "POST") return NotImplemented(req);
  return S3Error::Of("MethodNotAllowed");
}

S3Outcome RouteObject(S3Request& req) {
  const std::string& m = req.method;
  if (HasUnimplemented(req)) return NotImplemented(req);
  const bool upload = req.HasQuery("uploadId");
  const bool tagging = req.HasQuery("tagging");
  if (req.HasQuery("retention")) {
    if (m == "PUT") return PutObjectRetention(req);
    if (m == "GET") return GetObjectRetention(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (req.HasQuery("legal-hold")) {
    if (m == "PUT") return PutObjectLegalHold(req);
    if (m == "GET") return GetObjectLegalHold(req);
    return S3Error::Of("MethodNotAllowed");
  }
  if (m == "PUT") {
    if (upload) return UploadPart(req);
    if (tagging) return PutObjectTagging(req);
    if (req.HasHeader("x-amz-copy-source")) return CopyObject(req);
    return PutObject(req);
  }
  if (m == "GET" || m == "HEAD") {
    if (upload && m == "GET") return ListParts(req);
    if (tagging && m == "GET") return GetObjectTagging(req);
    if (req.HasQuery("attributes") && m == "GET") return GetObjectAttributes(req);
    return GetObject(req);
  }
  if (m == "DELETE") {
    if (upload) return AbortMultipartUpload(req);
    if (tagging) return DeleteObjectTagging(req);
    return DeleteObject(req);
  }
  if (m == "POST") {
    if (req.HasQuery("uploads")) return CreateMultipartUpload(req);
    if (upload) return CompleteMultipartUpload(req);
    return NotImplemented(req);
  }
  return S3Error::Of("MethodNotAllowed");
}

}  // namespace

S3Outcome Route(S3Request& req) {
  // No bucket policies or ACLs yet: every operation needs credentials.
  if (req.principal.anonymous) return S3Error::Of("AccessDenied");
  if (auto e = RefuseUnimplemented(req)) return e;
  if (req.bucket.empty()) {
    if (req.method == "GET") return ListBuckets(req);
    return S3Error::Of("MethodNotAllowed");
  }
  return req.key.empty() ? RouteBucket(req) : RouteObject(req);
}

}  // namespace cairn
