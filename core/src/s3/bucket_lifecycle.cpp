// PutBucketLifecycleConfiguration, GetBucketLifecycleConfiguration and
// DeleteBucketLifecycleConfiguration: the rules live in the bucket record (s3/lifecycle_xml.h
// parses and renders them); the lifecycle worker (lifecycle/lifecycle_worker.h) applies them,
// walking the bucket's keys once after every change.
#include "s3/handlers.h"
#include "s3/lifecycle_xml.h"
#include "s3/object_common.h"
#include "util/clock.h"

namespace cairn {
namespace {

// 1000 rules of a few hundred bytes each; S3 itself has no published limit on the body.
constexpr size_t kMaxLifecycleBody = 1 << 20;

}  // namespace

S3Outcome PutBucketLifecycleConfiguration(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(kMaxLifecycleBody);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  std::set<std::string> classes;
  for (const auto& [name, wc] : req.svc.classes) classes.insert(name);
  auto rules = ParseLifecycleConfiguration(body.value(), classes);
  if (!rules.ok()) return ToS3(rules.status());
  Status st = UpdateBucket(req.svc, req.bucket, [&](BucketRecord& rec) {
    rec.lifecycle = rules.value();
    rec.lifecycle_set_ms = std::max(NowMillis(), rec.lifecycle_set_ms + 1);
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetBucketLifecycleConfiguration(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  if (b->record.lifecycle.empty()) {
    return S3Error::Of("NoSuchLifecycleConfiguration", "The lifecycle configuration does not exist");
  }
  req.SendXml(200, RenderLifecycleConfiguration(b->record.lifecycle));
  return std::nullopt;
}

S3Outcome DeleteBucketLifecycleConfiguration(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  Status st = UpdateBucket(req.svc, req.bucket, [&](BucketRecord& rec) {
    rec.lifecycle.clear();
    rec.lifecycle_set_ms = std::max(NowMillis(), rec.lifecycle_set_ms + 1);
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(204);
  return std::nullopt;
}

}  // namespace cairn
