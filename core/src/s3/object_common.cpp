#include "s3/object_common.h"

#include <Poco/String.h>

#include <algorithm>
#include <set>
#include <thread>

#include "objects/lifecycle_expiration.h"
#include "objects/versions.h"
#include "objects/write_params.h"
#include "meta/keys.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cairn {

S3Error ToS3(const Status& st) { return S3Error::FromStatus(st); }

S3Outcome ValidateKey(const std::string& key) {
  if (key.size() > 1024) return S3Error::Of("KeyTooLongError");
  if (key.empty() || !IsValidUtf8(key)) {
    return S3Error::Of("InvalidArgument", "Object keys must be non-empty UTF-8 without NUL.");
  }
  return std::nullopt;
}

Pairs StoredHeaders(const S3Request& req) {
  Pairs out;
  static const char* kStored[] = {"Content-Type",     "Content-Encoding", "Content-Disposition",
                                  "Content-Language", "Cache-Control",    "Expires"};
  for (const char* name : kStored) {
    if (req.http.Has(name)) out.emplace_back(name, req.http.Get(name));
  }
  bool has_type = req.http.Has("Content-Type");
  if (!has_type) out.insert(out.begin(), {"Content-Type", "binary/octet-stream"});
  // aws-chunked is a transfer detail of this request, not a property of the object.
  for (auto& [name, value] : out) {
    if (name == "Content-Encoding") {
      std::string kept;
      size_t start = 0;
      while (start <= value.size()) {
        size_t comma = value.find(',', start);
        std::string part = value.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
        part.erase(0, part.find_first_not_of(' '));
        part.erase(part.find_last_not_of(' ') + 1);
        if (!part.empty() && part != "aws-chunked") kept += (kept.empty() ? "" : ", ") + part;
        if (comma == std::string::npos) break;
        start = comma + 1;
      }
      value = kept;
    }
  }
  std::erase_if(out, [](const auto& p) { return p.first == "Content-Encoding" && p.second.empty(); });
  for (const auto& [name, value] : req.http.headers()) {
    std::string lower = Poco::toLower(name);
    if (lower.rfind("x-amz-meta-", 0) == 0) out.emplace_back(lower, value);
  }
  return out;
}

Result<Pairs> ParseTagQuery(const std::string& text) {
  Pairs tags;
  if (text.empty()) return tags;
  size_t start = 0;
  while (start <= text.size()) {
    size_t amp = text.find('&', start);
    std::string part = text.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
    // x-amz-tagging is form-encoded: a literal '+' means space, and "%2B" is a '+', so the
    // pluses are replaced before decoding, never after.
    std::replace(part.begin(), part.end(), '+', ' ');
    size_t eq = part.find('=');
    auto k = UrlDecode(part.substr(0, eq));
    auto v = UrlDecode(eq == std::string::npos ? "" : part.substr(eq + 1));
    if (!k || !v) return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidTag", "malformed x-amz-tagging");
    tags.emplace_back(*k, *v);
    if (amp == std::string::npos) break;
    start = amp + 1;
  }
  return tags;
}

S3Outcome ValidateTags(const Pairs& tags, size_t max_tags) {
  if (tags.size() > max_tags) {
    return S3Error::Of("InvalidTag", (max_tags == 10 ? "Object tags cannot be greater than "
                                                     : "Bucket tag count cannot be greater than ") +
                                         std::to_string(max_tags));
  }
  std::set<std::string> seen;
  for (const auto& [k, v] : tags) {
    if (k.empty() || k.size() > 128) {
      return S3Error::Of("InvalidTag", "The TagKey you have provided is invalid");
    }
    if (v.size() > 256) return S3Error::Of("InvalidTag", "The TagValue you have provided is invalid");
    if (!seen.insert(k).second) {
      return S3Error::Of("InvalidTag", "Cannot provide multiple Tags with the same key");
    }
  }
  return std::nullopt;
}

std::string Quoted(const std::string& etag) { return "\"" + etag + "\""; }

std::string OwnerXml(const std::string& owner) {
  std::string out = "<Owner>";
  XmlTag(out, "ID", owner);
  XmlTag(out, "DisplayName", owner);
  return out + "</Owner>";
}

void SetObjectHeaders(S3Request& req, const ObjectRecord& o) {
  auto& r = req.response;
  r.Set("ETag", Quoted(o.etag));
  r.Set("Last-Modified", HttpDate(o.modified_ms));
  r.Set("Accept-Ranges", "bytes");
  for (const auto& [name, value] : o.headers) r.Set(name, value);
  if (!o.tags.empty()) r.Set("x-amz-tagging-count", std::to_string(o.tags.size()));
  if (o.storage_class != "STANDARD") r.Set("x-amz-storage-class", o.storage_class);
  SetLockHeaders(req, o.lock);
}

}  // namespace cairn

namespace cairn {
Result<LoadedBucket> RequireBucket(S3Request& req, const std::string& bucket,
                                   const char* expected_owner_header) {
  auto b = LoadBucket(req.svc, bucket);
  if (!b.ok()) return b.status();
  if (b->record.owner != req.principal.user_id) {
    return Status::S3(CAIRN_ACCESS_DENIED, "AccessDenied", "");
  }
  if (req.HasHeader(expected_owner_header) &&
      req.Header(expected_owner_header) != b->record.owner) {
    return Status::S3(CAIRN_ACCESS_DENIED, "AccessDenied",
                      std::string("The bucket is not owned by the ") + expected_owner_header);
  }
  return b;
}
}  // namespace cairn

namespace cairn {
Result<WriteParams> NewWriteParams(const S3Request& req, const std::string& bucket,
                                   const std::string& key, uint64_t size_hint) {
  return NewWriteParams(req.svc, bucket, key, req.Header("x-amz-storage-class", "STANDARD"),
                        size_hint);
}
}  // namespace cairn

namespace cairn {
void VerifiedChecksum(const S3Request& req, std::string* algorithm, std::string* base64) {
  algorithm->clear();
  base64->clear();
  if (req.decoder && !req.decoder->VerifiedChecksum(algorithm, base64)) algorithm->clear();
}

void SetChecksumHeader(S3Request& req, const std::string& algorithm, const std::string& base64) {
  if (!algorithm.empty()) req.response.Set("x-amz-checksum-" + algorithm, base64);
}
}  // namespace cairn

namespace cairn {
// Parses x-amz-copy-source ("/bucket/key" or "bucket/key", URL-encoded, maybe ?versionId=).
S3Outcome ParseCopySource(const std::string& header, std::string* bucket, std::string* key,
                          std::optional<std::string>* version_id) {
  std::string src = header;
  version_id->reset();
  size_t q = src.find('?');
  if (q != std::string::npos) {
    const std::string query = src.substr(q + 1);
    if (query.rfind("versionId=", 0) != 0) {
      return S3Error::Of("InvalidArgument", "Unsupported copy source parameter.");
    }
    auto id = UrlDecode(query.substr(10));
    if (!id) return S3Error::Of("InvalidArgument", "Invalid copy source encoding");
    if (Status st = ValidateVersionId(*id); !st.ok()) return ToS3(st);
    *version_id = *id;
    src = src.substr(0, q);
  }
  auto decoded = UrlDecode(src);
  if (!decoded) return S3Error::Of("InvalidArgument", "Invalid copy source encoding");
  std::string s = *decoded;
  if (!s.empty() && s[0] == '/') s = s.substr(1);
  size_t slash = s.find('/');
  if (slash == std::string::npos || slash == 0 || slash + 1 == s.size()) {
    return S3Error::Of("InvalidArgument", "Copy Source must mention the source bucket and key: "
                                          "sourcebucket/sourcekey");
  }
  *bucket = s.substr(0, slash);
  *key = s.substr(slash + 1);
  return std::nullopt;
}


Result<ObjectRecord> LoadCopySource(Services& svc, const std::string& bucket,
                                    const std::string& key,
                                    const std::optional<std::string>& version_id) {
  auto v = LoadVersion(svc, bucket, key, version_id);
  if (!v.ok()) return v.status();
  if (v->record.delete_marker) {
    if (!version_id) return Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                      "The source of a copy request may not specifically refer to a delete "
                      "marker by version id.");
  }
  return std::move(v->record);
}

std::optional<std::string> RequestedVersion(const S3Request& req) {
  auto it = req.query.find("versionId");
  if (it == req.query.end()) return std::nullopt;
  return it->second;
}

Status DeleteMarkerError(S3Request& req, const ObjectRecord& marker, bool named_by_id) {
  req.response.Set("x-amz-delete-marker", "true");
  req.response.Set("x-amz-version-id", VersionIdText(marker));
  if (!named_by_id) return Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
  req.response.Set("Last-Modified", HttpDate(marker.modified_ms));
  return Status::S3(CAIRN_INVALID_ARGUMENT, "MethodNotAllowed",
                    "The specified method is not allowed against this resource.");
}

Result<ObjectRecord> LoadRequestedObject(S3Request& req) {
  const std::optional<std::string> version = RequestedVersion(req);
  auto v = LoadVersion(req.svc, req.bucket, req.key, version);
  if (!v.ok()) return v.status();
  if (v->record.delete_marker) return DeleteMarkerError(req, v->record, version.has_value());
  return std::move(v->record);
}

void SetExpirationHeader(S3Request& req, const BucketRecord& bucket, const ObjectRecord& o) {
  if (bucket.lifecycle.empty() || o.delete_marker) return;
  std::string value = ExpirationHeader(bucket.lifecycle, req.key, o.size, o.tags, o.modified_ms,
                                       req.svc.config.lifecycle.seconds_per_day);
  if (!value.empty()) req.response.Set("x-amz-expiration", value);
}

void SetVersionIdHeader(S3Request& req, const BucketRecord& bucket, const ObjectRecord& o) {
  if (!bucket.versioning.empty() || !o.version_id.empty()) {
    req.response.Set("x-amz-version-id", VersionIdText(o));
  }
}

}  // namespace cairn

namespace cairn {
Result<UploadBodyHeaders> ReadUploadBodyHeaders(const S3Request& req, uint64_t max_size) {
  UploadBodyHeaders out;
  if (req.HasHeader("Content-MD5")) {
    out.md5 = Base64Decode(req.Header("Content-MD5"));
    if (!out.md5 || out.md5->size() != 16) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidDigest", "");
    }
  }
  out.length = req.DeclaredLength();
  if (!out.length && !req.http.chunked()) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "MissingContentLength", "");
  }
  if (out.length && *out.length > max_size) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "EntityTooLarge", "");
  }
  return out;
}

S3Outcome CheckContentMd5(const S3Request& req, const std::string& body) {
  if (!req.HasHeader("Content-MD5")) return std::nullopt;
  auto want = Base64Decode(req.Header("Content-MD5"));
  if (!want || want->size() != 16) return S3Error::Of("InvalidDigest");
  if (*want != Digest::Md5Of(body)) return S3Error::Of("BadDigest");
  return std::nullopt;
}
}  // namespace cairn
