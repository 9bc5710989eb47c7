#include "s3/object_common.h"

#include <Poco/String.h>

#include <algorithm>
#include <set>
#include <thread>

#include "durability/deferred_free.h"
#include "meta/keys.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cairn {

Result<LoadedBucket> LoadBucket(Services& svc, const std::string& bucket) {
  LoadedBucket b;
  Status st = svc.meta.Get(keys::Bucket(bucket), &b.raw);
  if (st.IsNotFound()) return Status::S3(CAIRN_NOT_FOUND, "NoSuchBucket", "");
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(Decode(b.raw, &b.record));
  return b;
}

Result<ObjectRecord> LoadObject(Services& svc, const std::string& bucket, const std::string& key) {
  std::string raw;
  Status st = svc.meta.Get(keys::Object(bucket, key), &raw);
  if (st.IsNotFound()) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    return Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
  }
  CAIRN_RETURN_IF_ERROR(st);
  ObjectRecord o;
  CAIRN_RETURN_IF_ERROR(Decode(raw, &o));
  return o;
}

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

void FreeReplaced(const Services& svc, Txn& txn, const ObjectRecord& replaced) {
  DeferredFree::Schedule(txn, replaced.segments,
                         NowMillis() + svc.config.storage.free_delay_seconds * 1000);
}

S3Outcome PublishObject(Services& svc, const std::string& bucket, const std::string& key,
                        const ObjectRecord& record, const std::vector<std::string>& repair,
                        const WriteCondition& condition) {
  const std::string object_key = keys::Object(bucket, key);
  const std::string value = Encode(record);
  auto abandon = [&](const S3Error& e) -> S3Outcome {
    for (const auto& s : record.segments) svc.data.Delete(s);
    return e;
  };
  // Optimistic concurrency: the old value (or its absence) and the bucket record are
  // conditions; on a conflict, re-read and retry. The last writer to commit wins, as in S3.
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return abandon(ToS3(b.status()));
    std::string old_raw;
    Status st = svc.meta.Get(object_key, &old_raw);
    if (!st.ok() && !st.IsNotFound()) return abandon(ToS3(st));
    bool had_old = st.ok();
    Txn txn;
    txn.Require(keys::Bucket(bucket), TxnCondition::kValueEquals, b->raw);
    if (had_old) {
      txn.Require(object_key, TxnCondition::kValueEquals, old_raw);
    } else {
      txn.Require(object_key, TxnCondition::kNotExists);
    }
    ObjectRecord old;
    const bool old_ok = had_old && Decode(old_raw, &old).ok();
    if (condition.Any()) {
      if (had_old && !old_ok) return abandon(S3Error::Of("InternalError"));
      if (auto e = CheckWriteCondition(condition, had_old ? &old : nullptr)) return abandon(*e);
    }
    txn.Put(object_key, value);
    for (const auto& id : repair) txn.Put(keys::Repair(id), object_key);
    if (old_ok) FreeReplaced(svc, txn, old);
    st = svc.meta.Commit(txn);
    if (st.IsConflict()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
      continue;
    }
    if (st.IsOutcomeUnknown()) {
      LogWarn("s3", "publishing " + bucket + "/" + key + ": " + st.ToString() +
                        "; its shards stay (the scrubber removes them if nothing refers to them)");
      return ToS3(st);
    }
    if (!st.ok()) return abandon(ToS3(st));
    return std::nullopt;
  }
  return abandon(S3Error::Of("SlowDown", "too many concurrent writes to this key"));
}

S3Outcome PrecheckWriteCondition(Services& svc, const std::string& bucket,
                                 const std::string& key, const WriteCondition& condition) {
  if (!condition.Any()) return std::nullopt;
  auto current = LoadObject(svc, bucket, key);
  if (!current.ok() && current.status().s3_code() != "NoSuchKey") return ToS3(current.status());
  return CheckWriteCondition(condition, current.ok() ? &current.value() : nullptr);
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
  std::string sc = req.Header("x-amz-storage-class", "STANDARD");
  auto it = req.svc.classes.find(sc);
  if (it == req.svc.classes.end()) {
    std::string known;
    for (const auto& [name, _] : req.svc.classes) known += (known.empty() ? "" : ", ") + name;
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidStorageClass",
                      "The storage class you specified is not valid (this server defines " +
                          known + ")");
  }
  const StorageConfig& cfg = req.svc.config.storage;
  WriteParams p;
  p.bucket = bucket;
  p.key = key;
  p.storage_class = sc;
  p.expected_size = size_hint;
  p.codec = it->second.codec;
  p.k = it->second.k;
  p.m = it->second.m;
  p.quorum = it->second.quorum;
  p.block_size = static_cast<uint32_t>(cfg.block_size);
  p.chunk_size = static_cast<uint64_t>(cfg.chunk_size);
  return p;
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
S3Outcome ParseCopySource(const std::string& header, std::string* bucket, std::string* key) {
  std::string src = header;
  size_t q = src.find('?');
  if (q != std::string::npos) {
    if (src.substr(q + 1).rfind("versionId=", 0) == 0 && src.substr(q + 11) != "null") {
      return S3Error::Of("NotImplemented", "Object versions are not supported yet");
    }
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

}  // namespace cairn

namespace cairn {
void DeletePartKeys(Services& svc, const std::vector<KeyValue>& parts) {
  for (size_t i = 0; i < parts.size(); i += kMaxTxnOps) {
    Txn txn;
    for (size_t j = i; j < parts.size() && j < i + kMaxTxnOps; ++j) txn.Delete(parts[j].key);
    Status st = svc.meta.Commit(txn);
    if (!st.ok()) {
      LogWarn("s3", "part keys of a finished upload stay until the next scrub pass: " +
                        st.ToString());
      return;
    }
  }
}

Status AbortUpload(Services& svc, const std::string& upload_key, const std::string& upload_raw) {
  const std::string upload_id = upload_key.substr(upload_key.find('\0') + 1);
  std::vector<KeyValue> parts;
  std::string prefix = keys::PartPrefix(upload_id);
  CAIRN_RETURN_IF_ERROR(svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 0, &parts));
  Txn txn;
  txn.Require(upload_key, TxnCondition::kValueEquals, upload_raw);
  txn.Delete(upload_key);
  CAIRN_RETURN_IF_ERROR(svc.meta.Commit(txn));
  DeletePartKeys(svc, parts);
  // At once, not deferred: nothing reads the parts of an upload in progress.
  for (const auto& kv : parts) {
    PartRecord p;
    if (Decode(kv.value, &p).ok()) svc.data.Delete(p.segment);
  }
  return Status::Ok();
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
