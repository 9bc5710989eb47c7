// PutObjectTagging, GetObjectTagging, DeleteObjectTagging, and the Tagging document they share
// with bucket tagging.
#include <algorithm>

#include "meta/keys.h"
#include "objects/versions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"

namespace cairn {
namespace {

// Rewrites the tags of the requested version (the current one without ?versionId=).
S3Outcome UpdateTags(S3Request& req, const LoadedBucket& bucket, const Pairs& tags) {
  const std::optional<std::string> version = RequestedVersion(req);
  ObjectRecord updated;
  Status st = UpdateVersion(req.svc, req.bucket, req.key, version, [&](ObjectRecord& rec) {
    if (rec.delete_marker) return DeleteMarkerError(req, rec, version.has_value());
    rec.tags = tags;
    updated = rec;
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  SetVersionIdHeader(req, bucket.record, updated);
  return std::nullopt;
}

}  // namespace

Result<Pairs> ParseTaggingXml(const std::string& body) {
  auto doc = ParseXml(body);
  if (!doc.ok() || doc->name != "Tagging") {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "");
  }
  Pairs tags;
  if (const XmlElement* set = doc->Child("TagSet")) {
    for (const auto& t : set->children) {
      if (t.name != "Tag" || t.Child("Key") == nullptr) {
        return Status::S3(CAIRN_INVALID_ARGUMENT, "MalformedXML", "");
      }
      tags.emplace_back(t.ChildText("Key"), t.ChildText("Value"));
    }
  }
  return tags;
}

std::string TaggingXml(const Pairs& tags) {
  // In key order, as S3 answers (keys are unique).
  Pairs sorted = tags;
  std::sort(sorted.begin(), sorted.end());
  std::string xml = std::string("<Tagging xmlns=\"") + kS3Namespace + "\"><TagSet>";
  for (const auto& [k, v] : sorted) {
    xml += "<Tag>";
    XmlTag(xml, "Key", k);
    XmlTag(xml, "Value", v);
    xml += "</Tag>";
  }
  return xml + "</TagSet></Tagging>";
}

S3Outcome PutObjectTagging(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  auto tags = ParseTaggingXml(body.value());
  if (!tags.ok()) return ToS3(tags.status());
  if (auto e = ValidateTags(tags.value())) return e;
  if (auto e = UpdateTags(req, bucket.value(), tags.value())) return e;
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetObjectTagging(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto obj = LoadRequestedObject(req);
  if (!obj.ok()) return ToS3(obj.status());
  SetVersionIdHeader(req, bucket->record, obj.value());
  req.SendXml(200, TaggingXml(obj->tags));
  return std::nullopt;
}

S3Outcome DeleteObjectTagging(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  if (auto e = UpdateTags(req, bucket.value(), {})) return e;
  req.SendEmpty(204);
  return std::nullopt;
}

}  // namespace cairn
