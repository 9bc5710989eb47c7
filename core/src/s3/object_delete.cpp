// DeleteObject and DeleteObjects.
#include "meta/keys.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"

namespace cairn {
namespace {

// Deletes the current object if there is one; absent keys are not an error in S3.
Status DeleteKey(Services& svc, const std::string& bucket, const std::string& key) {
  const std::string object_key = keys::Object(bucket, key);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string raw;
    Status st = svc.meta.Get(object_key, &raw);
    if (st.IsNotFound()) return Status::Ok();
    CAIRN_RETURN_IF_ERROR(st);
    Txn txn;
    txn.Require(object_key, TxnCondition::kValueEquals, raw);
    txn.Delete(object_key);
    // Its shards go later: a GET that loaded the record may still be reading them.
    ObjectRecord old;
    if (Decode(raw, &old).ok()) FreeReplaced(svc, txn, old);
    st = svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    return st;
  }
  return Status::S3(CAIRN_UNAVAILABLE, "SlowDown", "too many concurrent writes to this key");
}

}  // namespace

S3Outcome DeleteObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  Status st = DeleteKey(req.svc, req.bucket, req.key);
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(204);
  return std::nullopt;
}

S3Outcome DeleteObjects(S3Request& req) {
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  if (!req.HasHeader("Content-MD5") && !req.HasHeader("x-amz-checksum-crc32") &&
      !req.HasHeader("x-amz-checksum-crc32c") && !req.HasHeader("x-amz-checksum-sha1") &&
      !req.HasHeader("x-amz-checksum-sha256") && !req.HasHeader("x-amz-sdk-checksum-algorithm") &&
      !req.HasHeader("x-amz-trailer")) {
    return S3Error::Of("InvalidRequest", "Missing required header for this request: Content-MD5");
  }
  auto body = req.ReadSmallBody(2 << 20);
  if (!body.ok()) return ToS3(body.status());
  if (req.HasHeader("Content-MD5")) {
    auto want = Base64Decode(req.Header("Content-MD5"));
    if (!want || want->size() != 16) return S3Error::Of("InvalidDigest");
    if (*want != Digest::Md5Of(body.value())) return S3Error::Of("BadDigest");
  }
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "Delete") return S3Error::Of("MalformedXML");
  bool quiet = doc->ChildText("Quiet") == "true";
  std::vector<std::string> objects;
  for (const auto& c : doc->children) {
    if (c.name != "Object") continue;
    if (c.Child("Key") == nullptr) return S3Error::Of("MalformedXML");
    objects.push_back(c.ChildText("Key"));
  }
  if (objects.empty() || objects.size() > 1000) return S3Error::Of("MalformedXML");

  std::string xml = std::string("<DeleteResult xmlns=\"") + kS3Namespace + "\">";
  for (const auto& key : objects) {
    S3Outcome e = ValidateKey(key);
    if (!e) {
      Status st = DeleteKey(req.svc, req.bucket, key);
      if (!st.ok()) e = ToS3(st);
    }
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
