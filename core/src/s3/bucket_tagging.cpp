// PutBucketTagging, GetBucketTagging, DeleteBucketTagging: the tags live in the bucket record.
#include "meta/keys.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/encoding.h"

namespace cairn {
namespace {

constexpr size_t kMaxBucketTags = 50;

}  // namespace

S3Outcome PutBucketTagging(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto tags = ParseTaggingXml(body.value());
  if (!tags.ok()) return ToS3(tags.status());
  if (auto e = ValidateTags(tags.value(), kMaxBucketTags)) return e;
  Status st = UpdateBucket(req.svc, req.bucket, [&](BucketRecord& rec) {
    rec.tags = tags.value();
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(204);
  return std::nullopt;
}

S3Outcome GetBucketTagging(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  if (b->record.tags.empty()) return S3Error::Of("NoSuchTagSet");
  req.SendXml(200, TaggingXml(b->record.tags));
  return std::nullopt;
}

S3Outcome DeleteBucketTagging(S3Request& req) {
  Status st = UpdateBucket(req.svc, req.bucket, [](BucketRecord& rec) {
    rec.tags.clear();
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(204);
  return std::nullopt;
}

}  // namespace cairn
