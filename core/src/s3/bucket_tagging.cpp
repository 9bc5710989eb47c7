// PutBucketTagging, GetBucketTagging, DeleteBucketTagging: the tags live in the bucket record.
#include "meta/keys.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/encoding.h"

namespace cairn {
namespace {

constexpr size_t kMaxBucketTags = 50;

// Rewrites the bucket's tags, conditioned on its record being unchanged. Objects being
// published meanwhile retry: their transactions require the bucket record they read.
S3Outcome UpdateBucketTags(S3Request& req, const Pairs& tags) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto b = RequireBucket(req, req.bucket);
    if (!b.ok()) return ToS3(b.status());
    BucketRecord rec = b->record;
    rec.tags = tags;
    Txn txn;
    txn.Require(keys::Bucket(req.bucket), TxnCondition::kValueEquals, b->raw);
    txn.Put(keys::Bucket(req.bucket), Encode(rec));
    Status st = req.svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    if (!st.ok()) return ToS3(st);
    return std::nullopt;
  }
  return S3Error::Of("SlowDown");
}

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
  if (auto e = UpdateBucketTags(req, tags.value())) return e;
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
  if (auto e = UpdateBucketTags(req, {})) return e;
  req.SendEmpty(204);
  return std::nullopt;
}

}  // namespace cairn
