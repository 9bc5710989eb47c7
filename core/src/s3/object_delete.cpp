// DeleteObject and DeleteObjects.
#include "meta/keys.h"
#include "s3/conditions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "objects/versions.h"
#include "s3/xml.h"

namespace cairn {
S3Outcome DeleteObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto condition = DeleteConditionOf(req);
  if (!condition.ok()) return ToS3(condition.status());
  DeleteOutcome outcome;
  Status st = req.HasQuery("versionId")
                  ? DeleteObjectVersion(req.svc, req.bucket, req.key, req.Query("versionId"),
                                        condition.value(), BypassGovernance(req), &outcome)
                  : DeleteObject(req.svc, req.bucket, req.key, condition.value(), &outcome);
  if (!st.ok()) return ToS3(st);
  if (!outcome.version_id.empty()) req.response.Set("x-amz-version-id", outcome.version_id);
  if (outcome.delete_marker) req.response.Set("x-amz-delete-marker", "true");
  req.SendEmpty(204);
  return std::nullopt;
}

S3Outcome DeleteObjects(S3Request& req) {
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  if (!req.HasHeader("Content-MD5") && !req.HasHeader("x-amz-checksum-crc32") &&
      !req.HasHeader("x-amz-checksum-crc32c") && !req.HasHeader("x-amz-checksum-sha1") &&
      !req.HasHeader("x-amz-checksum-sha256") && !req.HasHeader("x-amz-checksum-crc64nvme") &&
      !req.HasHeader("x-amz-sdk-checksum-algorithm") &&
      !req.HasHeader("x-amz-trailer")) {
    return S3Error::Of("InvalidRequest", "Missing required header for this request: Content-MD5");
  }
  auto body = req.ReadSmallBody(2 << 20);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "Delete") return S3Error::Of("MalformedXML");
  bool quiet = doc->ChildText("Quiet") == "true";
  std::vector<const XmlElement*> objects;
  for (const auto& c : doc->children) {
    if (c.name != "Object") continue;
    if (c.Child("Key") == nullptr) return S3Error::Of("MalformedXML");
    objects.push_back(&c);
  }
  if (objects.empty() || objects.size() > 1000) return S3Error::Of("MalformedXML");

  std::string xml = std::string("<DeleteResult xmlns=\"") + kS3Namespace + "\">";
  for (const XmlElement* object : objects) {
    const std::string key = object->ChildText("Key");
    S3Outcome e = ValidateKey(key);
    const XmlElement* version = object->Child("VersionId");
    auto condition = DeleteConditionOf(object->ChildText("ETag"),
                                       object->ChildText("LastModifiedTime"),
                                       object->ChildText("Size"));
    if (!e && !condition.ok()) e = ToS3(condition.status());
    DeleteOutcome outcome;
    if (!e) {
      Status st = version != nullptr
                      ? DeleteObjectVersion(req.svc, req.bucket, key, version->text,
                                            condition.value(), BypassGovernance(req), &outcome)
                      : DeleteObject(req.svc, req.bucket, key, condition.value(), &outcome);
      if (!st.ok()) e = ToS3(st);
    }
    if (e) {
      xml += "<Error>";
      XmlTag(xml, "Key", key);
      if (version != nullptr) XmlTag(xml, "VersionId", version->text);
      XmlTag(xml, "Code", e->code);
      XmlTag(xml, "Message", e->message);
      xml += "</Error>";
    } else if (!quiet) {
      xml += "<Deleted>";
      XmlTag(xml, "Key", key);
      if (version != nullptr) XmlTag(xml, "VersionId", version->text);
      if (outcome.delete_marker) {
        XmlTag(xml, "DeleteMarker", "true");
        XmlTag(xml, "DeleteMarkerVersionId", outcome.version_id);
      }
      xml += "</Deleted>";
    }
  }
  xml += "</DeleteResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
