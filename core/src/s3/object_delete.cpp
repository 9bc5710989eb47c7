// DeleteObject and DeleteObjects.
#include "meta/keys.h"
#include "s3/conditions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"

namespace cairn {
namespace {

// Deletes the current object if there is one; absent keys are not an error in S3. A
// condition is checked against the object the transaction then requires unchanged.
S3Outcome DeleteKey(Services& svc, const std::string& bucket, const std::string& key,
                    const DeleteCondition& condition) {
  const std::string object_key = keys::Object(bucket, key);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string raw;
    Status st = svc.meta.Get(object_key, &raw);
    if (st.IsNotFound()) return std::nullopt;
    if (!st.ok()) return ToS3(st);
    if (condition.Any()) {
      ObjectRecord current;
      st = Decode(raw, &current);
      if (!st.ok()) return ToS3(st);
      if (auto e = CheckDeleteCondition(condition, current)) return e;
    }
    Txn txn;
    txn.Require(object_key, TxnCondition::kValueEquals, raw);
    txn.Delete(object_key);
    // Its shards go later: a GET that loaded the record may still be reading them.
    ObjectRecord old;
    if (Decode(raw, &old).ok()) FreeReplaced(svc, txn, old);
    st = svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    if (!st.ok()) return ToS3(st);
    return std::nullopt;
  }
  return S3Error::Of("SlowDown", "too many concurrent writes to this key");
}

}  // namespace

S3Outcome DeleteObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto condition = DeleteConditionOf(req);
  if (!condition.ok()) return ToS3(condition.status());
  if (auto e = DeleteKey(req.svc, req.bucket, req.key, condition.value())) return e;
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
    if (!e && version != nullptr && version->text != "null") {
      e = S3Error::Of("NotImplemented", "Object versions (VersionId) are not implemented by "
                                        "Cairn yet.");
    }
    auto condition = DeleteConditionOf(object->ChildText("ETag"),
                                       object->ChildText("LastModifiedTime"),
                                       object->ChildText("Size"));
    if (!e && !condition.ok()) e = ToS3(condition.status());
    if (!e) e = DeleteKey(req.svc, req.bucket, key, condition.value());
    if (e) {
      xml += "<Error>";
      XmlTag(xml, "Key", key);
      XmlTag(xml, "Code", e->code);
      XmlTag(xml, "Message", e->message);
      xml += "</Error>";
    } else if (!quiet) {
      xml += "<Deleted>";
      XmlTag(xml, "Key", key);
      xml += "</Deleted>";
    }
  }
  xml += "</DeleteResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
