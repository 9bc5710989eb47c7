// PutBucketVersioning and GetBucketVersioning: the state lives in the bucket record; what it
// means for objects is objects/versions.h.
#include "objects/versions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"

namespace cairn {

S3Outcome PutBucketVersioning(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "VersioningConfiguration") return S3Error::Of("MalformedXML");
  // MFA delete needs an MFA device Cairn has no way to check: refused, never ignored.
  if (const XmlElement* mfa = doc->Child("MfaDelete")) {
    if (mfa->text == "Enabled") {
      return S3Error::Of("NotImplemented", "MFA delete is not implemented by Cairn.");
    }
    if (mfa->text != "Disabled") return S3Error::Of("MalformedXML");
  }
  const XmlElement* status = doc->Child("Status");
  if (status == nullptr) {
    req.SendEmpty(200);  // nothing to change, as S3 answers
    return std::nullopt;
  }
  if (status->text != kVersioningEnabled && status->text != kVersioningSuspended) {
    return S3Error::Of("MalformedXML", "The versioning Status must be Enabled or Suspended.");
  }
  Status st = UpdateBucket(req.svc, req.bucket, [&](BucketRecord& rec) {
    if (rec.object_lock && status->text != kVersioningEnabled) {
      return Status::S3(CAIRN_CONFLICT, "InvalidBucketState",
                        "An Object Lock configuration is present on this bucket, so the "
                        "versioning state cannot be changed.");
    }
    rec.versioning = status->text;
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetBucketVersioning(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  std::string xml = std::string("<VersioningConfiguration xmlns=\"") + kS3Namespace + "\">";
  if (!b->record.versioning.empty()) XmlTag(xml, "Status", b->record.versioning);
  req.SendXml(200, xml + "</VersioningConfiguration>");
  return std::nullopt;
}

}  // namespace cairn
