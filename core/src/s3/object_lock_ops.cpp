// Object lock: Put/GetObjectLockConfiguration (?object-lock on a bucket), Put/GetObjectRetention
// (?retention) and Put/GetObjectLegalHold (?legal-hold) on an object version, and the
// x-amz-object-lock-* headers of writes. The rules are objects/object_lock.h.
#include <Poco/String.h>

#include "objects/buckets.h"
#include "objects/object_lock.h"
#include "objects/versions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"

namespace cairn {
namespace {

constexpr const char* kBypassGovernance = "x-amz-bypass-governance-retention";

Status MissingLockConfiguration() {
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                    "Bucket is missing Object Lock Configuration");
}

// A retain-until date: ISO 8601 in documents and headers; InvalidArgument otherwise or when it
// is not in the future.
Result<int64_t> RetainUntil(const std::string& text, int64_t now_ms) {
  auto seconds = ParseHttpDate(text);
  if (!seconds) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                      "The retain until date is not a valid timestamp.");
  }
  if (*seconds * 1000 <= now_ms) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                      "The retain until date must be in the future!");
  }
  return *seconds * 1000;
}

// The object lock bucket of the request: InvalidRequest when it has none.
Result<LoadedBucket> RequireLockBucket(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return b.status();
  if (!b->record.object_lock) return MissingLockConfiguration();
  return b;
}

std::string LockConfigurationXml(const BucketRecord& b) {
  std::string xml = std::string("<ObjectLockConfiguration xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "ObjectLockEnabled", "Enabled");
  if (!b.default_retention_mode.empty()) {
    xml += "<Rule><DefaultRetention>";
    XmlTag(xml, "Mode", b.default_retention_mode);
    if (b.default_retention_days > 0) XmlTag(xml, "Days", std::to_string(b.default_retention_days));
    if (b.default_retention_years > 0) {
      XmlTag(xml, "Years", std::to_string(b.default_retention_years));
    }
    xml += "</DefaultRetention></Rule>";
  }
  return xml + "</ObjectLockConfiguration>";
}

// A positive whole number of days or years (at most 100 years).
std::optional<uint32_t> Period(const std::string& text, uint32_t max) {
  if (text.empty() || text.size() > 6 || text.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  const uint32_t n = static_cast<uint32_t>(std::stoul(text));
  if (n == 0 || n > max) return std::nullopt;
  return n;
}

}  // namespace

bool BypassGovernance(const S3Request& req) {
  return Poco::toLower(req.Header(kBypassGovernance)) == "true";
}

Result<ObjectLock> RequestedLock(const S3Request& req) {
  ObjectLock lock;
  const bool has_mode = req.HasHeader("x-amz-object-lock-mode");
  const bool has_date = req.HasHeader("x-amz-object-lock-retain-until-date");
  if (has_mode != has_date) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                      "x-amz-object-lock-retain-until-date and x-amz-object-lock-mode must both "
                      "be supplied");
  }
  if (has_mode) {
    lock.mode = req.Header("x-amz-object-lock-mode");
    if (!IsLockMode(lock.mode)) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument", "Unknown wormMode directive.");
    }
    auto until = RetainUntil(req.Header("x-amz-object-lock-retain-until-date"), req.now_ms);
    if (!until.ok()) return until.status();
    lock.retain_until_ms = until.value();
  }
  if (req.HasHeader("x-amz-object-lock-legal-hold")) {
    const std::string hold = req.Header("x-amz-object-lock-legal-hold");
    if (hold != "ON" && hold != "OFF") {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                        "Legal Hold must be either of 'ON' or 'OFF'");
    }
    lock.legal_hold = hold == "ON";
  }
  return lock;
}

Result<ObjectLock> LockForWrite(const S3Request& req, const BucketRecord& bucket) {
  auto requested = RequestedLock(req);
  if (!requested.ok()) return requested.status();
  return LockForNewVersion(bucket, requested.value(), req.now_ms);
}

void SetLockHeaders(S3Request& req, const ObjectLock& lock) {
  if (!lock.mode.empty()) {
    req.response.Set("x-amz-object-lock-mode", lock.mode);
    req.response.Set("x-amz-object-lock-retain-until-date", Iso8601(lock.retain_until_ms));
  }
  if (lock.legal_hold) req.response.Set("x-amz-object-lock-legal-hold", "ON");
}

S3Outcome PutObjectLockConfiguration(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "ObjectLockConfiguration" ||
      doc->ChildText("ObjectLockEnabled") != "Enabled") {
    return S3Error::Of("MalformedXML");
  }
  std::string mode;
  uint32_t days = 0, years = 0;
  if (const XmlElement* rule = doc->Child("Rule")) {
    const XmlElement* retention = rule->Child("DefaultRetention");
    if (retention == nullptr) return S3Error::Of("MalformedXML");
    mode = retention->ChildText("Mode");
    if (!IsLockMode(mode)) return S3Error::Of("MalformedXML");
    const XmlElement* d = retention->Child("Days");
    const XmlElement* y = retention->Child("Years");
    if ((d == nullptr) == (y == nullptr)) return S3Error::Of("MalformedXML");
    auto n = Period(d ? d->text : y->text, d ? 36500 : 100);
    if (!n) {
      return S3Error::Of("InvalidArgument",
                         "Default retention period must be a positive integer value.");
    }
    (d ? days : years) = *n;
  }
  Status st = UpdateBucket(req.svc, req.bucket, [&](BucketRecord& rec) {
    // Enabling it later needs versioning, as in S3; it is never disabled.
    if (!rec.object_lock && rec.versioning != kVersioningEnabled) {
      return Status::S3(CAIRN_CONFLICT, "InvalidBucketState",
                        "Versioning must be 'Enabled' on the bucket to apply a Object Lock "
                        "configuration");
    }
    rec.object_lock = true;
    rec.default_retention_mode = mode;
    rec.default_retention_days = days;
    rec.default_retention_years = years;
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetObjectLockConfiguration(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  if (!b->record.object_lock) return S3Error::Of("ObjectLockConfigurationNotFoundError");
  req.SendXml(200, LockConfigurationXml(b->record));
  return std::nullopt;
}

S3Outcome PutObjectRetention(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto b = RequireLockBucket(req);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "Retention") return S3Error::Of("MalformedXML");
  ObjectLock next;
  next.mode = doc->ChildText("Mode");
  const std::string until_text = doc->ChildText("RetainUntilDate");
  if (next.mode.empty() != until_text.empty()) return S3Error::Of("MalformedXML");
  if (!next.mode.empty()) {
    if (!IsLockMode(next.mode)) return S3Error::Of("MalformedXML");
    auto until = RetainUntil(until_text, req.now_ms);
    if (!until.ok()) return ToS3(until.status());
    next.retain_until_ms = until.value();
  }
  const std::optional<std::string> version = RequestedVersion(req);
  ObjectRecord updated;
  Status st = UpdateVersion(req.svc, req.bucket, req.key, version, [&](ObjectRecord& rec) {
    if (rec.delete_marker) return DeleteMarkerError(req, rec, version.has_value());
    CAIRN_RETURN_IF_ERROR(CheckRetentionChange(rec.lock, next, req.now_ms, BypassGovernance(req)));
    rec.lock.mode = next.mode;
    rec.lock.retain_until_ms = next.retain_until_ms;
    updated = rec;
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  SetVersionIdHeader(req, b->record, updated);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetObjectRetention(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto b = RequireLockBucket(req);
  if (!b.ok()) return ToS3(b.status());
  auto obj = LoadRequestedObject(req);
  if (!obj.ok()) return ToS3(obj.status());
  if (obj->lock.mode.empty()) return S3Error::Of("NoSuchObjectLockConfiguration");
  std::string xml = std::string("<Retention xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Mode", obj->lock.mode);
  XmlTag(xml, "RetainUntilDate", Iso8601(obj->lock.retain_until_ms));
  SetVersionIdHeader(req, b->record, obj.value());
  req.SendXml(200, xml + "</Retention>");
  return std::nullopt;
}

S3Outcome PutObjectLegalHold(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto b = RequireLockBucket(req);
  if (!b.ok()) return ToS3(b.status());
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  if (auto e = CheckContentMd5(req, body.value())) return e;
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "LegalHold") return S3Error::Of("MalformedXML");
  const std::string status = doc->ChildText("Status");
  if (status != "ON" && status != "OFF") return S3Error::Of("MalformedXML");
  const std::optional<std::string> version = RequestedVersion(req);
  ObjectRecord updated;
  Status st = UpdateVersion(req.svc, req.bucket, req.key, version, [&](ObjectRecord& rec) {
    if (rec.delete_marker) return DeleteMarkerError(req, rec, version.has_value());
    rec.lock.legal_hold = status == "ON";
    updated = rec;
    return Status::Ok();
  });
  if (!st.ok()) return ToS3(st);
  SetVersionIdHeader(req, b->record, updated);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetObjectLegalHold(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto b = RequireLockBucket(req);
  if (!b.ok()) return ToS3(b.status());
  auto obj = LoadRequestedObject(req);
  if (!obj.ok()) return ToS3(obj.status());
  std::string xml = std::string("<LegalHold xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Status", obj->lock.legal_hold ? "ON" : "OFF");
  SetVersionIdHeader(req, b->record, obj.value());
  req.SendXml(200, xml + "</LegalHold>");
  return std::nullopt;
}

}  // namespace cairn
