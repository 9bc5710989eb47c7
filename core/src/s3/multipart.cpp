// Multipart uploads: CreateMultipartUpload, UploadPart, CompleteMultipartUpload,
// AbortMultipartUpload, ListParts, ListMultipartUploads. Parts are erasure-coded segments as
// soon as they arrive; Complete only writes metadata (the object's segments are the parts').
#include <Poco/String.h>

#include "data/object_source.h"
#include "meta/keys.h"
#include "objects/lifecycle_due.h"
#include "s3/handlers.h"
#include "s3/conditions.h"
#include "s3/object_checksum.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/checksum_of.h"
#include "util/encoding.h"

namespace cairn {
namespace {

// Points the repair-queue entries of `segments` (if any) at `record_key`, in bounded
// transactions; each entry only if it still exists.
void MoveRepairEntries(Services& svc, const std::vector<Segment>& segments,
                       const std::string& record_key) {
  Txn txn;
  auto flush = [&] {
    if (txn.conditions.empty()) return;
    // Conflict: an entry was drained meanwhile; the rest are retried one by one.
    if (!svc.meta.Commit(txn).ok()) {
      for (size_t i = 0; i < txn.ops.size(); ++i) {
        Txn one;
        one.conditions.push_back(txn.conditions[i]);
        one.ops.push_back(txn.ops[i]);
        (void)svc.meta.Commit(one);
      }
    }
    txn = Txn{};
  };
  for (const auto& seg : segments) {
    std::string queued;
    if (!svc.meta.Get(keys::Repair(seg.data_id), &queued).ok()) continue;
    txn.Require(keys::Repair(seg.data_id), TxnCondition::kExists);
    txn.Put(keys::Repair(seg.data_id), record_key);
    if (txn.ops.size() >= kMaxTxnOps) flush();
  }
  flush();
}

constexpr uint32_t kMaxParts = 10000;
constexpr uint64_t kMinPartSize = 5ull << 20;

struct LoadedUpload {
  UploadRecord record;
  std::string raw;
};

Result<LoadedUpload> LoadUpload(S3Request& req) {
  std::string id = req.Query("uploadId");
  LoadedUpload u;
  if (id.empty() || id.find('/') != std::string::npos) {
    return Status::S3(CAIRN_NOT_FOUND, "NoSuchUpload", "");
  }
  Status st = req.svc.meta.Get(keys::Upload(req.bucket, req.key, id), &u.raw);
  if (st.IsNotFound()) return Status::S3(CAIRN_NOT_FOUND, "NoSuchUpload", "");
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(Decode(u.raw, &u.record));
  return u;
}

Status LoadParts(Services& svc, const std::string& upload_id, std::vector<KeyValue>* rows) {
  std::string prefix = keys::PartPrefix(upload_id);
  return svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 0, rows);
}

// A part as CompleteMultipartUpload names it.
struct WantedPart {
  uint32_t number = 0;
  std::string etag;      // unquoted
  std::string checksum;  // the part's checksum as the client sent it (may be empty)
};

// The parts of a CompleteMultipartUpload body, in the order given (InvalidPartOrder unless
// ascending; MalformedXML without any). `algorithm` is the upload's checksum algorithm.
S3Outcome ParseWantedParts(const XmlElement& doc, const std::string& algorithm,
                           std::vector<WantedPart>* wanted) {
  for (const auto& p : doc.children) {
    if (p.name != "Part") continue;
    std::string n = p.ChildText("PartNumber");
    if (n.empty() || n.size() > 5 || n.find_first_not_of("0123456789") != std::string::npos) {
      return S3Error::Of("MalformedXML");
    }
    std::string etag = p.ChildText("ETag");
    if (etag.size() >= 2 && etag.front() == '"' && etag.back() == '"') {
      etag = etag.substr(1, etag.size() - 2);
    }
    wanted->push_back({static_cast<uint32_t>(std::stoul(n)), etag,
                       algorithm.empty() ? "" : p.ChildText(ChecksumElement(algorithm))});
  }
  if (wanted->empty()) return S3Error::Of("MalformedXML", "You must specify at least one part");
  for (size_t i = 1; i < wanted->size(); ++i) {
    if ((*wanted)[i].number <= (*wanted)[i - 1].number) return S3Error::Of("InvalidPartOrder");
  }
  return std::nullopt;
}

// Identifies a completion's part list (numbers and ETags, in order).
std::string PartListDigest(const std::vector<WantedPart>& wanted) {
  Digest d = Digest::Md5();
  for (const auto& w : wanted) d.Update(std::to_string(w.number) + ":" + w.etag + "\n");
  return HexEncode(d.Finish());
}

void SendCompletion(S3Request& req, const CompletedUploadRecord& done) {
  if (!done.version_id.empty()) req.response.Set("x-amz-version-id", done.version_id);
  std::string xml = std::string("<CompleteMultipartUploadResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Location", "/" + req.bucket + "/" + UrlEncode(req.key, true));
  XmlTag(xml, "Bucket", req.bucket);
  XmlTag(xml, "Key", req.key);
  XmlTag(xml, "ETag", Quoted(done.etag));
  if (!done.checksum_algorithm.empty()) {
    XmlTag(xml, ChecksumElement(done.checksum_algorithm), done.checksum);
    XmlTag(xml, "ChecksumType", ChecksumTypeOf(done.checksum));
  }
  xml += "</CompleteMultipartUploadResult>";
  req.SendXml(200, xml);
}

// A CompleteMultipartUpload for an upload that no longer exists: when it completed, into this
// bucket and key, with the same part list, within the replay window, the answer is the first
// completion's (200, same ETag), as in S3; anything else is NoSuchUpload.
S3Outcome ReplayCompletion(S3Request& req, const std::string& upload_id,
                           const std::string& parts_digest) {
  std::string raw;
  CompletedUploadRecord done;
  if (upload_id.empty() || upload_id.find('/') != std::string::npos ||
      !req.svc.meta.Get(keys::CompletedUpload(upload_id), &raw).ok() ||
      !Decode(raw, &done).ok() || done.bucket != req.bucket || done.key != req.key ||
      done.parts_digest != parts_digest || done.completed_ms + kCompletedUploadKeepMs < req.now_ms) {
    return S3Error::Of("NoSuchUpload");
  }
  SendCompletion(req, done);
  return std::nullopt;
}

S3Outcome Prologue(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  return std::nullopt;
}

}  // namespace

S3Outcome CreateMultipartUpload(S3Request& req) {
  if (auto e = Prologue(req)) return e;
  auto tags = ParseTagQuery(req.Header("x-amz-tagging"));
  if (!tags.ok()) return ToS3(tags.status());
  if (auto e = ValidateTags(tags.value())) return e;
  auto params = NewWriteParams(req, req.bucket, req.key, 0);
  if (!params.ok()) return ToS3(params.status());
  UploadRecord u;
  u.key = req.key;
  u.owner = req.principal.user_id;
  u.initiated_ms = req.now_ms;
  u.storage_class = params->storage_class;
  u.headers = StoredHeaders(req);
  u.tags = tags.value();
  auto bucket = LoadBucket(req.svc, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto lock = LockForWrite(req, bucket->record);
  if (!lock.ok()) return ToS3(lock.status());
  u.lock = lock.value();
  if (auto e = ReadUploadChecksum(req, &u)) return e;
  // Upload ids start with the initiation time so that uploads of one key list in initiation
  // order, as S3 lists them; the random rest makes them unguessable.
  char stamp[17];
  std::snprintf(stamp, sizeof(stamp), "%016llx", static_cast<unsigned long long>(req.now_ms));
  std::string id = stamp + RandomHex(16);
  Txn txn;
  txn.Require(keys::Bucket(req.bucket), TxnCondition::kExists);
  txn.Put(keys::Upload(req.bucket, req.key, id), Encode(u));
  MarkLifecycleDue(req.svc, txn, req.bucket, bucket->record, req.key);
  Status st = req.svc.meta.Commit(txn);
  if (st.IsConflict()) return S3Error::Of("NoSuchBucket");
  if (!st.ok()) return ToS3(st);
  std::string xml = std::string("<InitiateMultipartUploadResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Bucket", req.bucket);
  XmlTag(xml, "Key", req.key);
  XmlTag(xml, "UploadId", id);
  xml += "</InitiateMultipartUploadResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

namespace {

// Publishes a part (re-uploading a number replaces it and frees the replaced part's shards).
// On a definite failure the new part's shards are freed; when the commit's outcome is unknown
// they stay (the scrubber's orphan collection removes them if the part was not published).
S3Outcome StorePart(S3Request& req, const PartRecord& part, bool degraded) {
  const std::string id = req.Query("uploadId");
  const std::string part_key = keys::Part(id, part.number);
  for (int attempt = 0; attempt < 100; ++attempt) {
    std::string old_raw;
    Status st = req.svc.meta.Get(part_key, &old_raw);
    if (!st.ok() && !st.IsNotFound()) break;
    bool had_old = st.ok();
    Txn txn;
    txn.Require(keys::Upload(req.bucket, req.key, id), TxnCondition::kExists);
    if (had_old) {
      txn.Require(part_key, TxnCondition::kValueEquals, old_raw);
    } else {
      txn.Require(part_key, TxnCondition::kNotExists);
    }
    txn.Put(part_key, Encode(part));
    if (degraded) txn.Put(keys::Repair(part.segment.data_id), part_key);
    st = req.svc.meta.Commit(txn);
    if (st.IsConflict()) {
      if (!LoadUpload(req).ok()) {
        req.svc.data.Delete(part.segment);
        return S3Error::Of("NoSuchUpload");
      }
      continue;
    }
    if (st.IsOutcomeUnknown()) return ToS3(st);  // the part may be published: keep its shards
    if (!st.ok()) {
      req.svc.data.Delete(part.segment);
      return ToS3(st);
    }
    // At once, not deferred: nothing reads the shards of an upload's parts before it is
    // completed (GET and copies read objects; Complete reads part records only).
    PartRecord old;
    if (had_old && Decode(old_raw, &old).ok()) req.svc.data.Delete(old.segment);
    return std::nullopt;
  }
  req.svc.data.Delete(part.segment);
  return S3Error::Of("SlowDown");
}

// UploadPartCopy: the part's bytes come from an existing object, whole or a range of it.
S3Outcome UploadPartCopy(S3Request& req, const LoadedUpload& upload, uint32_t number) {
  std::string src_bucket, src_key;
  std::optional<std::string> src_version;
  if (auto e = ParseCopySource(req.Header("x-amz-copy-source"), &src_bucket, &src_key,
                               &src_version)) {
    return e;
  }
  auto srcb = RequireBucket(req, src_bucket, kSourceExpectedOwner);
  if (!srcb.ok()) return ToS3(srcb.status());
  auto src = LoadCopySource(req.svc, src_bucket, src_key, src_version);
  if (!src.ok()) return ToS3(src.status());
  if (auto e = CheckPreconditions(req, src.value(), "x-amz-copy-source-")) return e;
  uint64_t first = 0, count = src->size;
  if (req.HasHeader("x-amz-copy-source-range")) {
    std::string r = req.Header("x-amz-copy-source-range");
    size_t dash = r.find('-');
    auto digits = [](const std::string& t) {
      return !t.empty() && t.size() < 20 && t.find_first_not_of("0123456789") == std::string::npos;
    };
    if (r.rfind("bytes=", 0) != 0 || dash == std::string::npos || !digits(r.substr(6, dash - 6)) ||
        !digits(r.substr(dash + 1))) {
      return S3Error::Of("InvalidArgument", "The x-amz-copy-source-range value must be of the "
                                            "form bytes=first-last where first and last are the "
                                            "zero-based offsets of the first and last bytes to copy");
    }
    first = std::stoull(r.substr(6, dash - 6));
    uint64_t last = std::stoull(r.substr(dash + 1));
    if (last < first || last >= src->size) {
      return S3Error::Of("InvalidRange", "The requested range is not satisfiable");
    }
    count = last - first + 1;
  }
  if (count > static_cast<uint64_t>(req.svc.config.storage.max_put_bytes)) {
    return S3Error::Of("EntityTooLarge");
  }
  auto params = NewWriteParams(req, req.bucket, req.key, count);
  if (!params.ok()) return ToS3(params.status());
  params->storage_class = upload.record.storage_class;
  ObjectSource source(req.svc.data, src.value(), first, count, src_bucket + "/" + src_key);
  // With a checksum algorithm, the part's checksum is computed as the bytes are copied.
  std::optional<ChecksummingSource> checksummed;
  if (auto a = checksum::FromName(upload.record.checksum_algorithm)) checksummed.emplace(source, *a);
  PayloadSource& input = checksummed ? static_cast<PayloadSource&>(*checksummed) : source;
  Digest md5 = Digest::Md5();
  bool degraded = false;
  auto segment = req.svc.data.Write(params.value(), input, &md5, &degraded);
  if (!segment.ok()) return ToS3(segment.status());
  PartRecord part{number, HexEncode(md5.Finish()), req.now_ms, std::move(segment.value()), {}, {}};
  if (checksummed) {
    part.checksum_algorithm = upload.record.checksum_algorithm;
    part.checksum = checksummed->FinishBase64();
  }
  if (auto e = StorePart(req, part, degraded)) return e;
  std::string xml = std::string("<CopyPartResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "LastModified", Iso8601(part.modified_ms));
  XmlTag(xml, "ETag", Quoted(part.etag));
  if (checksummed) XmlTag(xml, ChecksumElement(part.checksum_algorithm), part.checksum);
  xml += "</CopyPartResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace

S3Outcome UploadPart(S3Request& req) {
  if (auto e = Prologue(req)) return e;
  std::string pn = req.Query("partNumber");
  if (pn.empty() || pn.size() > 5 || pn.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(pn) < 1 || std::stoul(pn) > kMaxParts) {
    return S3Error::Of("InvalidArgument", "Part number must be an integer between 1 and 10000, inclusive");
  }
  uint32_t number = std::stoul(pn);
  auto upload = LoadUpload(req);
  if (!upload.ok()) return ToS3(upload.status());
  if (req.HasHeader("x-amz-copy-source")) return UploadPartCopy(req, upload.value(), number);
  auto announced = ReadUploadBodyHeaders(req, req.svc.config.storage.max_put_bytes);
  if (!announced.ok()) return ToS3(announced.status());
  const std::optional<std::string>& want_md5 = announced->md5;
  const std::optional<uint64_t>& length = announced->length;
  auto params = NewWriteParams(req, req.bucket, req.key, length.value_or(0));
  if (!params.ok()) return ToS3(params.status());
  params->storage_class = upload->record.storage_class;

  Digest md5 = Digest::Md5();
  bool degraded = false;
  auto segment = req.svc.data.Write(params.value(), req.Body(req.svc.config.storage.max_put_bytes),
                                     &md5, &degraded);
  if (!segment.ok()) return ToS3(segment.status());
  std::string digest = md5.Finish();
  PartRecord part{number, HexEncode(digest), req.now_ms, std::move(segment.value()), {}, {}};
  VerifiedChecksum(req, &part.checksum_algorithm, &part.checksum);
  S3Outcome refused;
  if (want_md5 && *want_md5 != digest) {
    refused = S3Error::Of("BadDigest");
  } else if (!upload->record.checksum_algorithm.empty() &&
             part.checksum_algorithm != upload->record.checksum_algorithm) {
    refused = S3Error::Of("InvalidRequest",
                          "The upload was created using the " +
                              Poco::toUpper(upload->record.checksum_algorithm) +
                              " checksum algorithm: every part must carry x-amz-checksum-" +
                              upload->record.checksum_algorithm);
  }
  if (refused) {
    req.svc.data.Delete(part.segment);
    return refused;
  }
  if (auto e = StorePart(req, part, degraded)) return e;
  req.response.Set("ETag", Quoted(part.etag));
  SetChecksumHeader(req, part.checksum_algorithm, part.checksum);
  req.SendEmpty(200);
  return std::nullopt;
}

S3Outcome CompleteMultipartUpload(S3Request& req) {
  if (auto e = Prologue(req)) return e;
  const std::string id = req.Query("uploadId");
  auto upload = LoadUpload(req);
  if (!upload.ok() && upload.status().s3_code() != "NoSuchUpload") return ToS3(upload.status());
  auto body = req.ReadSmallBody(4 << 20);
  if (!body.ok()) return ToS3(body.status());
  auto doc = ParseXml(body.value());
  if (!doc.ok() || doc->name != "CompleteMultipartUpload") return S3Error::Of("MalformedXML");
  const std::string algorithm = upload.ok() ? upload->record.checksum_algorithm : "";
  std::vector<WantedPart> wanted;
  if (auto e = ParseWantedParts(doc.value(), algorithm, &wanted)) return e;
  const std::string parts_digest = PartListDigest(wanted);
  // The upload is gone: a retry of a completion that succeeded answers as the first did.
  if (!upload.ok()) return ReplayCompletion(req, id, parts_digest);

  const WriteCondition condition = WriteConditionOf(req);
  if (Status pre = PrecheckWriteCondition(req.svc, req.bucket, req.key, condition); !pre.ok()) {
    return ToS3(pre);
  }
  std::vector<KeyValue> rows;
  Status st = LoadParts(req.svc, id, &rows);
  if (!st.ok()) return ToS3(st);
  std::map<uint32_t, PartRecord> parts;
  for (const auto& kv : rows) {
    PartRecord p;
    if (Decode(kv.value, &p).ok()) parts.emplace(p.number, std::move(p));
  }
  ObjectRecord rec;
  Digest etag_md5 = Digest::Md5();
  std::vector<const PartRecord*> used_parts;  // in object order, for the object checksum
  for (size_t i = 0; i < wanted.size(); ++i) {
    auto it = parts.find(wanted[i].number);
    if (it == parts.end() || it->second.etag != wanted[i].etag) {
      return S3Error::Of("InvalidPart");
    }
    const PartRecord& p = it->second;
    if (i + 1 < wanted.size() && p.segment.size < kMinPartSize) {
      return S3Error::Of("EntityTooSmall");
    }
    if (!wanted[i].checksum.empty() && wanted[i].checksum != p.checksum) {
      return S3Error::Of("InvalidPart", "The " + ChecksumElement(algorithm) + " of part " +
                                            std::to_string(p.number) +
                                            " does not match the uploaded part.");
    }
    used_parts.push_back(&p);
    std::string raw_md5(16, '\0');
    for (size_t j = 0; j < 16; ++j) raw_md5[j] = std::stoi(p.etag.substr(2 * j, 2), nullptr, 16);
    etag_md5.Update(raw_md5);
    rec.size += p.segment.size;
    rec.segments.push_back(p.segment);
  }
  rec.etag = HexEncode(etag_md5.Finish()) + "-" + std::to_string(wanted.size());
  rec.modified_ms = req.now_ms;
  rec.owner = req.principal.user_id;
  rec.storage_class = upload->record.storage_class;
  rec.headers = upload->record.headers;
  rec.tags = upload->record.tags;
  rec.lock = upload->record.lock;
  rec.parts_count = static_cast<uint32_t>(wanted.size());
  if (!algorithm.empty()) {
    auto object_checksum = MultipartChecksum(upload->record, used_parts);
    if (!object_checksum.ok()) return ToS3(object_checksum.status());
    rec.checksum_algorithm = algorithm;
    rec.checksum = object_checksum.value();
    for (const PartRecord* p : used_parts) rec.part_checksums.push_back(p->checksum);
  }
  if (auto e = CheckCompleteChecksum(req, upload->record, rec.checksum)) return e;

  // One transaction: the object appears and the upload disappears together.
  const std::string object_key = keys::Object(req.bucket, req.key);
  CompletedUploadRecord done{req.bucket, req.key, parts_digest, rec.etag,
                             rec.checksum_algorithm, rec.checksum, req.now_ms};
  Publication how;
  how.condition = condition;  // on failure the upload stays: the client may retry, or abort
  how.keep_data_on_failure = true;  // the parts are the upload's until it completes
  how.also.Require(keys::Upload(req.bucket, req.key, id), TxnCondition::kValueEquals, upload->raw);
  how.also.Delete(keys::Upload(req.bucket, req.key, id));
  how.finish = [&](const ObjectRecord& published, Txn& txn) {
    done.version_id = published.version_id;
    txn.Put(keys::CompletedUpload(id), Encode(done));
  };
  st = PublishObject(req.svc, req.bucket, req.key, rec, how);
  // The upload changed under us: another completion of it (or an abort) won.
  if (st.IsConflict() && st.s3_code().empty()) return ReplayCompletion(req, id, parts_digest);
  if (!st.ok()) return ToS3(st);
  // The rest is bounded transactions after the commit, not part of it: one transaction for
  // up to 10,000 parts would exceed what etcd accepts. Queued repairs of the parts now
  // belong to the object (a crash before this drops them; the scrubber finds the missing
  // shards instead), then the part keys go.
  MoveRepairEntries(req.svc, rec.segments, object_key);
  DeletePartKeys(req.svc, rows);
  // Parts left out of the object go at once (no GET can read them); the replaced object is
  // the deferred free's, scheduled in the commit.
  for (const auto& [n, p] : parts) {
    bool used = false;
    for (const auto& w : wanted) used |= w.number == n;
    if (!used) req.svc.data.Delete(p.segment);
  }
  if (auto bucket = LoadBucket(req.svc, req.bucket); bucket.ok()) {
    SetExpirationHeader(req, bucket->record, rec);
  }
  SendCompletion(req, done);
  return std::nullopt;
}

S3Outcome AbortMultipartUpload(S3Request& req) {
  if (auto e = Prologue(req)) return e;
  auto upload = LoadUpload(req);
  if (!upload.ok()) return ToS3(upload.status());
  Status st = AbortUpload(req.svc, keys::Upload(req.bucket, req.key, req.Query("uploadId")),
                          upload->raw);
  if (st.IsConflict()) return S3Error::Of("NoSuchUpload");
  if (!st.ok()) return ToS3(st);
  req.SendEmpty(204);
  return std::nullopt;
}

S3Outcome ListParts(S3Request& req) {
  if (auto e = Prologue(req)) return e;
  auto upload = LoadUpload(req);
  if (!upload.ok()) return ToS3(upload.status());
  const std::string id = req.Query("uploadId");
  auto number = [&](const std::string& name, uint32_t def, uint32_t max) -> std::optional<uint32_t> {
    if (!req.HasQuery(name)) return def;
    std::string v = req.Query(name);
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
      return std::nullopt;
    }
    return std::min<uint32_t>(std::stoul(v), max);
  };
  auto max_parts = number("max-parts", 1000, 1000);
  auto marker = number("part-number-marker", 0, kMaxParts);
  if (!max_parts || !marker) return S3Error::Of("InvalidArgument", "invalid max-parts or part-number-marker");
  std::vector<KeyValue> rows;
  std::string start = keys::Part(id, *marker + 1);
  Status st = req.svc.meta.Scan(start, keys::PrefixEnd(keys::PartPrefix(id)), *max_parts + 1, &rows);
  if (!st.ok()) return ToS3(st);
  bool truncated = rows.size() > *max_parts;
  if (truncated) rows.resize(*max_parts);
  std::string xml = std::string("<ListPartsResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Bucket", req.bucket);
  XmlTag(xml, "Key", req.key);
  XmlTag(xml, "UploadId", id);
  xml += "<Initiator>";
  XmlTag(xml, "ID", upload->record.owner);
  XmlTag(xml, "DisplayName", upload->record.owner);
  xml += "</Initiator>" + OwnerXml(upload->record.owner);
  XmlTag(xml, "StorageClass", upload->record.storage_class);
  if (!upload->record.checksum_algorithm.empty()) {
    XmlTag(xml, "ChecksumAlgorithm", Poco::toUpper(upload->record.checksum_algorithm));
    XmlTag(xml, "ChecksumType", UploadChecksumType(upload->record));
  }
  XmlTag(xml, "PartNumberMarker", std::to_string(*marker));
  uint32_t last = *marker;
  std::string parts_xml;
  for (const auto& kv : rows) {
    PartRecord p;
    if (!Decode(kv.value, &p).ok()) continue;
    parts_xml += "<Part>";
    XmlTag(parts_xml, "PartNumber", std::to_string(p.number));
    XmlTag(parts_xml, "LastModified", Iso8601(p.modified_ms));
    XmlTag(parts_xml, "ETag", Quoted(p.etag));
    XmlTag(parts_xml, "Size", std::to_string(p.segment.size));
    if (!p.checksum.empty()) XmlTag(parts_xml, ChecksumElement(p.checksum_algorithm), p.checksum);
    parts_xml += "</Part>";
    last = p.number;
  }
  if (truncated) XmlTag(xml, "NextPartNumberMarker", std::to_string(last));
  XmlTag(xml, "MaxParts", std::to_string(*max_parts));
  XmlTag(xml, "IsTruncated", truncated ? "true" : "false");
  xml += parts_xml + "</ListPartsResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

S3Outcome ListMultipartUploads(S3Request& req) {
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  std::string prefix = req.Query("prefix");
  std::string base = keys::UploadPrefix(req.bucket);
  size_t max_uploads = 1000;
  if (req.HasQuery("max-uploads")) {
    std::string v = req.Query("max-uploads");
    if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
      return S3Error::Of("InvalidArgument", "invalid max-uploads");
    }
    max_uploads = std::min<size_t>(std::stoul(v), 1000);
  }
  std::string start = base + prefix;
  std::string key_marker = req.Query("key-marker");
  std::string delimiter = req.Query("delimiter");
  bool exhausted = false;  // the marker is past every possible key
  if (!key_marker.empty() && !delimiter.empty() && key_marker.ends_with(delimiter) &&
      key_marker.size() > prefix.size() &&
      key_marker.find(delimiter, prefix.size()) == key_marker.size() - delimiter.size()) {
    // A marker that is a common prefix stands for every upload under it.
    std::string after = keys::PrefixEnd(base + key_marker);
    exhausted = after.empty();
    if (after > start) start = after;
  } else if (!key_marker.empty()) {
    std::string after = base + key_marker;
    after.push_back('\0');
    if (req.HasQuery("upload-id-marker")) {
      after += req.Query("upload-id-marker");
      after.push_back('\0');
    } else {
      after = keys::PrefixEnd(after);  // every upload of key-marker is skipped
    }
    if (after > start) start = after;
  }
  // Like ListObjects: uploads whose key has the delimiter after the prefix roll up into a
  // common prefix, and the scan seeks past it.
  const std::string end = keys::PrefixEnd(base + prefix);
  std::string uploads, last_key, last_id;
  std::vector<std::string> prefixes;
  size_t count = 0;
  bool truncated = false;
  while (!truncated && !exhausted) {
    std::vector<KeyValue> rows;
    Status st = req.svc.meta.Scan(start, end, 1000, &rows);
    if (!st.ok()) return ToS3(st);
    if (rows.empty()) break;
    bool sought = false;
    for (const auto& kv : rows) {
      if (count == max_uploads) {
        truncated = true;
        break;
      }
      UploadRecord u;
      if (!Decode(kv.value, &u).ok()) continue;
      size_t pos = delimiter.empty() ? std::string::npos : u.key.find(delimiter, prefix.size());
      if (pos != std::string::npos) {
        std::string common = u.key.substr(0, pos + delimiter.size());
        prefixes.push_back(common);
        last_key = common;
        last_id.clear();
        ++count;
        start = keys::PrefixEnd(base + common);
        sought = true;
        break;
      }
      last_id = kv.key.substr(kv.key.find('\0') + 1);
      last_key = u.key;
      ++count;
      uploads += "<Upload>";
      XmlTag(uploads, "Key", u.key);
      XmlTag(uploads, "UploadId", last_id);
      uploads += "<Initiator>";
      XmlTag(uploads, "ID", u.owner);
      XmlTag(uploads, "DisplayName", u.owner);
      uploads += "</Initiator>" + OwnerXml(u.owner);
      XmlTag(uploads, "StorageClass", u.storage_class);
      XmlTag(uploads, "Initiated", Iso8601(u.initiated_ms));
      uploads += "</Upload>";
      start = kv.key;
      start.push_back('\0');
    }
    if (sought) {
      if (start.empty()) break;
      continue;
    }
    if (rows.size() < 1000) break;
  }
  std::string xml = std::string("<ListMultipartUploadsResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Bucket", req.bucket);
  XmlTag(xml, "KeyMarker", key_marker);
  XmlTag(xml, "UploadIdMarker", req.Query("upload-id-marker"));
  if (truncated) {
    XmlTag(xml, "NextKeyMarker", last_key);
    XmlTag(xml, "NextUploadIdMarker", last_id);
  }
  if (!delimiter.empty()) XmlTag(xml, "Delimiter", delimiter);
  XmlTag(xml, "Prefix", prefix);
  XmlTag(xml, "MaxUploads", std::to_string(max_uploads));
  XmlTag(xml, "IsTruncated", truncated ? "true" : "false");
  xml += uploads;
  for (const auto& p : prefixes) {
    xml += "<CommonPrefixes>";
    XmlTag(xml, "Prefix", p);
    xml += "</CommonPrefixes>";
  }
  xml += "</ListMultipartUploadsResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
