// ListBuckets, CreateBucket, DeleteBucket, HeadBucket, GetBucketLocation.
#include <Poco/String.h>

#include <regex>

#include "meta/for_each_key.h"
#include "meta/keys.h"
#include "objects/versions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cairn {
namespace {

// S3's bucket naming rules (general purpose buckets).
bool ValidBucketName(const std::string& name) {
  static const std::regex kShape("^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$");
  static const std::regex kIp("^\\d+\\.\\d+\\.\\d+\\.\\d+$");
  if (!std::regex_match(name, kShape) || std::regex_match(name, kIp)) return false;
  if (name.find("..") != std::string::npos || name.find(".-") != std::string::npos ||
      name.find("-.") != std::string::npos) {
    return false;
  }
  return name.rfind("xn--", 0) != 0 && name.rfind("sthree-", 0) != 0 &&
         !name.ends_with("-s3alias") && !name.ends_with("--ol-s3");
}

}  // namespace

S3Outcome ListBuckets(S3Request& req) {
  // max-buckets pages the answer (1 to 10,000; all buckets without it); the continuation
  // token is the last name of the previous page, base64-encoded.
  size_t max_buckets = 0;
  if (req.HasQuery("max-buckets")) {
    std::string n = req.Query("max-buckets");
    if (n.empty() || n.size() > 5 || n.find_first_not_of("0123456789") != std::string::npos ||
        std::stoul(n) < 1 || std::stoul(n) > 10000) {
      return S3Error::Of("InvalidArgument", "max-buckets must be an integer from 1 to 10000");
    }
    max_buckets = std::stoul(n);
  }
  std::string after;
  if (req.HasQuery("continuation-token")) {
    auto token = Base64Decode(req.Query("continuation-token"));
    if (!token || !ValidBucketName(*token)) {
      return S3Error::Of("InvalidArgument", "The continuation token provided is incorrect");
    }
    after = *token;
  }
  const std::string name_prefix = req.Query("prefix");
  const std::string region = req.Query("bucket-region");
  const std::string family(keys::kBucketPrefix);
  std::string start = keys::Bucket(std::max(name_prefix, after));
  std::string xml = std::string("<ListAllMyBucketsResult xmlns=\"") + kS3Namespace + "\">" +
                    OwnerXml(req.principal.user_id) + "<Buckets>";
  size_t listed = 0;
  std::string last, next_token;
  Status st = ForEachKey(req.svc.meta, start, keys::PrefixEnd(keys::Bucket(name_prefix)),
                         [&](const KeyValue& kv) {
    BucketRecord b;
    const std::string name = kv.key.substr(family.size());
    if (!next_token.empty() || name == after) return;
    if (!Decode(kv.value, &b).ok() || b.owner != req.principal.user_id) return;
    if (!region.empty() && b.region != region) return;
    if (max_buckets != 0 && listed == max_buckets) {
      next_token = Base64Encode(last);
      return;
    }
    xml += "<Bucket>";
    XmlTag(xml, "Name", name);
    XmlTag(xml, "CreationDate", Iso8601(b.created_ms));
    XmlTag(xml, "BucketRegion", b.region);
    xml += "</Bucket>";
    last = name;
    ++listed;
  });
  if (!st.ok()) return ToS3(st);
  xml += "</Buckets>";
  if (!next_token.empty()) XmlTag(xml, "ContinuationToken", next_token);
  if (req.HasQuery("prefix")) XmlTag(xml, "Prefix", name_prefix);
  xml += "</ListAllMyBucketsResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

S3Outcome CreateBucket(S3Request& req) {
  if (!ValidBucketName(req.bucket)) return S3Error::Of("InvalidBucketName");
  auto body = req.ReadSmallBody(64 << 10);
  if (!body.ok()) return ToS3(body.status());
  std::string region = req.svc.config.server.region;
  if (!body->empty()) {
    auto doc = ParseXml(body.value());
    if (!doc.ok() || doc->name != "CreateBucketConfiguration") return S3Error::Of("MalformedXML");
    std::string wanted = doc->ChildText("LocationConstraint");
    // S3 refuses a constraint naming another region than the endpoint's.
    // us-east-1 is the default and S3 refuses it as an explicit constraint.
    if (wanted == "us-east-1") {
      return S3Error::Of("InvalidLocationConstraint",
                         "The specified location-constraint is not valid: us-east-1 is the "
                         "default and is not given explicitly");
    }
    if (!wanted.empty() && wanted != region) {
      return S3Error::Of("InvalidLocationConstraint",
                         "The specified location-constraint is not valid: this endpoint serves " +
                             region);
    }
  }
  BucketRecord rec;
  rec.owner = req.principal.user_id;
  rec.created_ms = req.now_ms;
  rec.region = region;
  // Object lock can be asked for at creation; it brings versioning with it, for good.
  if (req.HasHeader("x-amz-bucket-object-lock-enabled")) {
    const std::string lock = Poco::toLower(req.Header("x-amz-bucket-object-lock-enabled"));
    if (lock != "true" && lock != "false") {
      return S3Error::Of("InvalidArgument",
                         "x-amz-bucket-object-lock-enabled must be true or false.");
    }
    if (lock == "true") {
      rec.object_lock = true;
      rec.versioning = kVersioningEnabled;
    }
  }
  Txn txn;
  txn.Require(keys::Bucket(req.bucket), TxnCondition::kNotExists);
  txn.Put(keys::Bucket(req.bucket), Encode(rec));
  Status st = req.svc.meta.Commit(txn);
  if (st.IsConflict()) {
    auto existing = LoadBucket(req.svc, req.bucket);
    if (!existing.ok() || existing->record.owner != req.principal.user_id) {
      return S3Error::Of("BucketAlreadyExists");
    }
    // us-east-1 keeps S3's legacy answer to its owner: 200, and the bucket is left as it
    // is. Every other region answers 409.
    if (region != "us-east-1") return S3Error::Of("BucketAlreadyOwnedByYou");
  }
  if (!st.ok() && !st.IsConflict()) return ToS3(st);
  req.response.Set("Location", "/" + req.bucket);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome DeleteBucket(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  std::vector<KeyValue> rows;
  std::string prefix = keys::ObjectPrefix(req.bucket);
  Status st = req.svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 1, &rows);
  if (!st.ok()) return ToS3(st);
  if (!rows.empty()) return S3Error::Of("BucketNotEmpty");
  // Abandoned multipart uploads go with the bucket, shards included.
  std::string uprefix = keys::UploadPrefix(req.bucket);
  rows.clear();
  st = req.svc.meta.Scan(uprefix, keys::PrefixEnd(uprefix), 0, &rows);
  if (!st.ok()) return ToS3(st);
  for (const auto& kv : rows) {
    st = AbortUpload(req.svc, kv.key, kv.value);
    if (!st.ok() && !st.IsConflict()) return ToS3(st);
  }
  Txn txn;
  txn.Require(keys::Bucket(req.bucket), TxnCondition::kValueEquals, b->raw);
  txn.Delete(keys::Bucket(req.bucket));
  txn.Delete(keys::LifecycleIntake(req.bucket));  // a new bucket of that name starts afresh
  st = req.svc.meta.Commit(txn);
  if (st.IsConflict()) return S3Error::Of("BucketNotEmpty", "The bucket changed while deleting it");
  if (!st.ok()) return ToS3(st);
  // A PUT may have committed between the emptiness check and the delete (its transaction only
  // requires the bucket record, which was still there). Look again: if an object appeared, put
  // the bucket back rather than leave the object in a deleted bucket. PUTs arriving after the
  // delete fail their bucket condition and find no bucket, so nothing else can slip in.
  rows.clear();
  st = req.svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 1, &rows);
  if (!st.ok() || !rows.empty()) {
    Txn restore;
    restore.Require(keys::Bucket(req.bucket), TxnCondition::kNotExists);
    restore.Put(keys::Bucket(req.bucket), b->raw);
    Status rs = req.svc.meta.Commit(restore);
    if (!rs.ok()) LogError("s3", "could not restore bucket " + req.bucket + ": " + rs.ToString());
    return st.ok() ? S3Error::Of("BucketNotEmpty") : ToS3(st);
  }
  req.SendEmpty(204);
  return std::nullopt;
}

S3Outcome HeadBucket(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  req.response.Set("x-amz-bucket-region", b->record.region);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome GetBucketLocation(S3Request& req) {
  auto b = RequireBucket(req, req.bucket);
  if (!b.ok()) return ToS3(b.status());
  // us-east-1 is reported as an empty constraint, as S3 does.
  std::string region = b->record.region == "us-east-1" ? "" : b->record.region;
  req.SendXml(200, std::string("<LocationConstraint xmlns=\"") + kS3Namespace + "\">" +
                       XmlEscape(region) + "</LocationConstraint>");
  return std::nullopt;
}

}  // namespace cairn
