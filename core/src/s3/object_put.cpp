// PutObject and CopyObject.
#include <Poco/String.h>

#include "data/object_source.h"
#include "meta/keys.h"
#include "objects/versions.h"
#include "s3/conditions.h"
#include "s3/handlers.h"
#include "s3/object_checksum.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace cairn {

S3Outcome PutObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  const WriteCondition condition = WriteConditionOf(req);
  if (Status pre = PrecheckWriteCondition(req.svc, req.bucket, req.key, condition); !pre.ok()) {
    return ToS3(pre);
  }
  // A single PUT's checksum is of the whole object: FULL_OBJECT is the only type it can have.
  if (req.HasHeader("x-amz-checksum-type") &&
      Poco::toUpper(req.Header("x-amz-checksum-type")) != kChecksumFullObject) {
    return S3Error::Of("InvalidRequest", "Value for x-amz-checksum-type header is invalid: a "
                                         "PutObject checksum is FULL_OBJECT.");
  }

  auto announced = ReadUploadBodyHeaders(req, req.svc.config.storage.max_put_bytes);
  if (!announced.ok()) return ToS3(announced.status());
  const std::optional<std::string>& want_md5 = announced->md5;
  const std::optional<uint64_t>& length = announced->length;
  auto tags = ParseTagQuery(req.Header("x-amz-tagging"));
  if (!tags.ok()) return ToS3(tags.status());
  if (auto e = ValidateTags(tags.value())) return e;
  auto params = NewWriteParams(req, req.bucket, req.key, length.value_or(0));
  if (!params.ok()) return ToS3(params.status());
  auto lock = LockForWrite(req, bucket->record);
  if (!lock.ok()) return ToS3(lock.status());

  ObjectRecord rec;
  Digest md5 = Digest::Md5();
  bool degraded = false;
  if (length && *length <= static_cast<uint64_t>(req.svc.config.storage.inline_max_bytes)) {
    // Small: the bytes go into the metadata record (one transaction, no shard files).
    auto body = req.ReadSmallBody(*length);
    if (!body.ok()) return ToS3(body.status());
    md5.Update(body.value());
    rec.inline_data = std::move(body.value());
    rec.size = rec.inline_data.size();
  } else {
    auto segment = req.svc.data.Write(params.value(),
                                       req.Body(req.svc.config.storage.max_put_bytes), &md5,
                                       &degraded);
    if (!segment.ok()) return ToS3(segment.status());
    rec.size = segment->size;
    rec.segments.push_back(std::move(segment.value()));
  }
  std::string digest = md5.Finish();
  if (want_md5 && *want_md5 != digest) {
    for (const auto& s : rec.segments) req.svc.data.Delete(s);
    return S3Error::Of("BadDigest");
  }

  rec.etag = HexEncode(digest);
  rec.modified_ms = req.now_ms;
  rec.owner = req.principal.user_id;
  rec.storage_class = params->storage_class;
  rec.headers = StoredHeaders(req);
  rec.tags = tags.value();
  rec.lock = lock.value();
  VerifiedChecksum(req, &rec.checksum_algorithm, &rec.checksum);
  std::vector<std::string> repair;
  if (degraded) repair.push_back(rec.segments[0].data_id);
  Publication how;
  how.repair = repair;
  how.condition = condition;
  Status published = PublishObject(req.svc, req.bucket, req.key, rec, how);
  if (!published.ok()) return ToS3(published);
  req.response.Set("ETag", Quoted(rec.etag));
  // A Suspended bucket's write makes the null version: S3 answers no version id then.
  if (!rec.version_id.empty()) req.response.Set("x-amz-version-id", rec.version_id);
  SetExpirationHeader(req, bucket->record, rec);
  SetChecksumHeaders(req, rec.checksum_algorithm, rec.checksum);  // with x-amz-checksum-type
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome CopyObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  std::string src_bucket, src_key;
  std::optional<std::string> src_version;
  if (auto e = ParseCopySource(req.Header("x-amz-copy-source"), &src_bucket, &src_key,
                               &src_version)) {
    return e;
  }
  auto dst = RequireBucket(req, req.bucket);
  if (!dst.ok()) return ToS3(dst.status());
  auto srcb = RequireBucket(req, src_bucket, kSourceExpectedOwner);
  if (!srcb.ok()) return ToS3(srcb.status());
  auto src = LoadCopySource(req.svc, src_bucket, src_key, src_version);
  if (!src.ok()) return ToS3(src.status());
  if (auto e = CheckPreconditions(req, src.value(), "x-amz-copy-source-")) return e;
  const WriteCondition condition = WriteConditionOf(req);  // on the destination
  if (Status pre = PrecheckWriteCondition(req.svc, req.bucket, req.key, condition); !pre.ok()) {
    return ToS3(pre);
  }

  std::string directive = req.Header("x-amz-metadata-directive", "COPY");
  std::string tag_directive = req.Header("x-amz-tagging-directive", "COPY");
  if ((directive != "COPY" && directive != "REPLACE") ||
      (tag_directive != "COPY" && tag_directive != "REPLACE")) {
    return S3Error::Of("InvalidArgument", "Unknown metadata or tagging directive");
  }
  bool same = src_bucket == req.bucket && src_key == req.key && !src_version;
  if (same && directive == "COPY" && !req.HasHeader("x-amz-storage-class")) {
    return S3Error::Of("InvalidRequest",
                       "This copy request is illegal because it is trying to copy an object to "
                       "itself without changing the object's metadata, storage class, website "
                       "redirect location or encryption attributes.");
  }
  Pairs tags = src->tags;
  if (tag_directive == "REPLACE") {
    auto t = ParseTagQuery(req.Header("x-amz-tagging"));
    if (!t.ok()) return ToS3(t.status());
    if (auto e = ValidateTags(t.value())) return e;
    tags = t.value();
  }
  auto params = NewWriteParams(req, req.bucket, req.key, src->size);
  if (!params.ok()) return ToS3(params.status());
  auto lock = LockForWrite(req, dst->record);  // a copy gets its own lock, not the source's
  if (!lock.ok()) return ToS3(lock.status());

  // The copy keeps the source's full-object checksum when the algorithm stays; a new algorithm
  // (x-amz-checksum-algorithm) or a multipart source's composite one is computed while copying.
  auto wanted_checksum = CopyChecksumAlgorithm(req);
  if (!wanted_checksum.ok()) return ToS3(wanted_checksum.status());
  auto source_checksum = checksum::FromName(src->checksum_algorithm);
  std::optional<checksum::Algorithm> compute = wanted_checksum.value();
  if (!compute && source_checksum && ChecksumTypeOf(src->checksum) != kChecksumFullObject) {
    compute = source_checksum;
  } else if (compute == source_checksum && ChecksumTypeOf(src->checksum) == kChecksumFullObject) {
    compute.reset();
  }
  ObjectSource object_source(req.svc.data, src.value(), 0, src->size,
                             src_bucket + "/" + src_key);
  std::optional<ChecksummingSource> checksummed;
  if (compute) checksummed.emplace(object_source, *compute);
  PayloadSource& source =
      checksummed ? static_cast<PayloadSource&>(*checksummed) : object_source;
  Digest md5 = Digest::Md5();
  bool degraded = false;
  ObjectRecord rec;
  if (src->size <= static_cast<uint64_t>(req.svc.config.storage.inline_max_bytes)) {
    rec.inline_data.resize(src->size);
    auto got = ReadFull(source, reinterpret_cast<uint8_t*>(rec.inline_data.data()), src->size);
    if (!got.ok()) return ToS3(got.status());
    md5.Update(rec.inline_data);
  } else {
    auto segment = req.svc.data.Write(params.value(), source, &md5, &degraded);
    if (!segment.ok()) return ToS3(segment.status());
    rec.segments.push_back(std::move(segment.value()));
  }
  rec.size = src->size;
  // A multipart source copied in one piece gets a plain MD5 ETag, as in S3.
  rec.etag = HexEncode(md5.Finish());
  rec.modified_ms = req.now_ms;
  rec.owner = req.principal.user_id;
  rec.storage_class = params->storage_class;
  rec.headers = directive == "REPLACE" ? StoredHeaders(req) : src->headers;
  rec.tags = tags;
  rec.lock = lock.value();
  if (checksummed) {
    rec.checksum_algorithm = checksum::Name(*compute);
    rec.checksum = checksummed->FinishBase64();
  } else if (source_checksum) {
    rec.checksum_algorithm = src->checksum_algorithm;
    rec.checksum = src->checksum;
  }
  std::vector<std::string> repair;
  if (degraded) repair.push_back(rec.segments[0].data_id);
  Publication how;
  how.repair = repair;
  how.condition = condition;
  Status published = PublishObject(req.svc, req.bucket, req.key, rec, how);
  if (!published.ok()) return ToS3(published);
  if (!rec.version_id.empty()) req.response.Set("x-amz-version-id", rec.version_id);
  SetExpirationHeader(req, dst->record, rec);
  if (src_version || !srcb->record.versioning.empty()) {
    req.response.Set("x-amz-copy-source-version-id", VersionIdText(src.value()));
  }

  std::string xml = std::string("<CopyObjectResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "LastModified", Iso8601(rec.modified_ms));
  XmlTag(xml, "ETag", Quoted(rec.etag));
  if (!rec.checksum.empty()) {
    XmlTag(xml, std::string(checksum::XmlElement(*checksum::FromName(rec.checksum_algorithm))),
           rec.checksum);
    XmlTag(xml, "ChecksumType", ChecksumTypeOf(rec.checksum));
  }
  xml += "</CopyObjectResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
