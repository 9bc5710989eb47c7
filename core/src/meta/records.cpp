#include "meta/records.h"

#include "meta/record_codec.h"

namespace cairn {
namespace {

// Record type tags; the version byte follows.
constexpr char kBucket = 'B', kObject = 'O', kUpload = 'U', kPart = 'P';
// Durability bookkeeping, each at its own version 1.
constexpr char kGarbage = 'G', kReadLease = 'R', kCompletedUpload = 'C';
// Version 2 appended the additional checksum fields, version 3 the inline data of objects,
// version 4 the checksum type of uploads and the part checksums of objects, version 5 the
// versioning state of buckets and the version fields of objects, version 6 object lock,
// version 7 the lifecycle rules of buckets; older records still decode.
constexpr char kVersion = 7;

RecordWriter Begin(char type, char version = kVersion) {
  RecordWriter w;
  w.out().push_back(type);
  w.out().push_back(version);
  return w;
}

// Returns the record's version through *version.
Status Open(std::string_view in, char type, RecordReader* r, int* version = nullptr) {
  if (in.size() < 2 || in[0] != type || in[1] < 1 || in[1] > kVersion) {
    return Status::Corruption(std::string("unknown metadata record format (expected type ") +
                              type + " version 1 to 7)");
  }
  if (version != nullptr) *version = in[1];
  *r = RecordReader(in.substr(2));
  return Status::Ok();
}

Status Done(const RecordReader& r) {
  if (!r.ok()) return Status::Corruption("truncated metadata record");
  if (!r.AtEnd()) return Status::Corruption("trailing bytes after a metadata record");
  return Status::Ok();
}

void Put(RecordWriter& w, const Segment& s) {
  w.Str(s.data_id);
  w.U64(s.size);
  w.Str(s.codec);
  w.U64(s.k);
  w.U64(s.m);
  w.U64(s.block_size);
  w.U64(s.chunk_size);
  w.U64(s.chunks.size());
  for (const auto& c : s.chunks) {
    w.U64(c.size);
    w.U64(c.drives.size());
    for (const auto& d : c.drives) w.Str(d);
  }
}

Segment GetSegment(RecordReader& r) {
  Segment s;
  s.data_id = r.Str();
  s.size = r.U64();
  s.codec = r.Str();
  s.k = r.U64();
  s.m = r.U64();
  s.block_size = r.U64();
  s.chunk_size = r.U64();
  uint64_t n = r.U64();
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    ChunkLayout c;
    c.size = r.U64();
    uint64_t nd = r.U64();
    for (uint64_t j = 0; r.ok() && j < nd; ++j) c.drives.push_back(r.Str());
    s.chunks.push_back(std::move(c));
  }
  return s;
}

void PutLock(RecordWriter& w, const ObjectLock& lock) {
  w.Str(lock.mode);
  w.I64(lock.retain_until_ms);
  w.U64(lock.legal_hold ? 1 : 0);
}

ObjectLock GetLock(RecordReader& r) {
  ObjectLock lock;
  lock.mode = r.Str();
  lock.retain_until_ms = r.I64();
  lock.legal_hold = r.U64() != 0;
  return lock;
}

void PutTransitions(RecordWriter& w, const std::vector<LifecycleTransition>& ts) {
  w.U64(ts.size());
  for (const auto& t : ts) {
    w.I64(t.days);
    w.I64(t.date_ms);
    w.I64(t.noncurrent_days);
    w.I64(t.newer_noncurrent_versions);
    w.Str(t.storage_class);
  }
}

std::vector<LifecycleTransition> GetTransitions(RecordReader& r) {
  std::vector<LifecycleTransition> ts;
  uint64_t n = r.U64();
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    LifecycleTransition t;
    t.days = r.I64();
    t.date_ms = r.I64();
    t.noncurrent_days = r.I64();
    t.newer_noncurrent_versions = r.I64();
    t.storage_class = r.Str();
    ts.push_back(std::move(t));
  }
  return ts;
}

void PutRules(RecordWriter& w, const LifecycleRules& rules) {
  w.U64(rules.size());
  for (const auto& rule : rules) {
    w.Str(rule.id);
    w.U64(rule.enabled ? 1 : 0);
    w.Str(rule.filter_form);
    w.Str(rule.prefix);
    w.Pairs(rule.tags);
    w.I64(rule.size_greater_than);
    w.I64(rule.size_less_than);
    w.I64(rule.expiration_days);
    w.I64(rule.expiration_date_ms);
    w.U64(rule.expired_object_delete_marker ? 1 : 0);
    w.I64(rule.noncurrent_days);
    w.I64(rule.newer_noncurrent_versions);
    w.I64(rule.abort_upload_days);
    PutTransitions(w, rule.transitions);
    PutTransitions(w, rule.noncurrent_transitions);
  }
}

LifecycleRules GetRules(RecordReader& r) {
  LifecycleRules rules;
  uint64_t n = r.U64();
  for (uint64_t i = 0; r.ok() && i < n; ++i) {
    LifecycleRule rule;
    rule.id = r.Str();
    rule.enabled = r.U64() != 0;
    rule.filter_form = r.Str();
    rule.prefix = r.Str();
    rule.tags = r.Pairs();
    rule.size_greater_than = r.I64();
    rule.size_less_than = r.I64();
    rule.expiration_days = r.I64();
    rule.expiration_date_ms = r.I64();
    rule.expired_object_delete_marker = r.U64() != 0;
    rule.noncurrent_days = r.I64();
    rule.newer_noncurrent_versions = r.I64();
    rule.abort_upload_days = r.I64();
    rule.transitions = GetTransitions(r);
    rule.noncurrent_transitions = GetTransitions(r);
    rules.push_back(std::move(rule));
  }
  return rules;
}

}  // namespace

std::string Encode(const BucketRecord& r) {
  RecordWriter w = Begin(kBucket);
  w.Str(r.owner);
  w.I64(r.created_ms);
  w.Str(r.region);
  w.Pairs(r.tags);
  w.Str(r.versioning);
  w.U64(r.object_lock ? 1 : 0);
  w.Str(r.default_retention_mode);
  w.U64(r.default_retention_days);
  w.U64(r.default_retention_years);
  PutRules(w, r.lifecycle);
  w.I64(r.lifecycle_set_ms);
  return std::move(w.out());
}

Status Decode(std::string_view in, BucketRecord* out) {
  RecordReader r("");
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, kBucket, &r, &version));
  *out = BucketRecord{};
  out->owner = r.Str();
  out->created_ms = r.I64();
  out->region = r.Str();
  if (version >= 4) out->tags = r.Pairs();
  if (version >= 5) out->versioning = r.Str();
  if (version >= 6) {
    out->object_lock = r.U64() != 0;
    out->default_retention_mode = r.Str();
    out->default_retention_days = static_cast<uint32_t>(r.U64());
    out->default_retention_years = static_cast<uint32_t>(r.U64());
  }
  if (version >= 7) {
    out->lifecycle = GetRules(r);
    out->lifecycle_set_ms = r.I64();
  }
  return Done(r);
}

std::string Encode(const ObjectRecord& o) {
  RecordWriter w = Begin(kObject);
  w.U64(o.size);
  w.Str(o.etag);
  w.I64(o.modified_ms);
  w.Str(o.owner);
  w.Str(o.storage_class);
  w.Pairs(o.headers);
  w.Pairs(o.tags);
  w.U64(o.parts_count);
  w.U64(o.segments.size());
  for (const auto& s : o.segments) Put(w, s);
  w.Str(o.checksum_algorithm);
  w.Str(o.checksum);
  w.Str(o.inline_data);
  w.U64(o.part_checksums.size());
  for (const auto& c : o.part_checksums) w.Str(c);
  w.Str(o.version_id);
  w.U64(o.version_seq);
  w.U64(o.delete_marker ? 1 : 0);
  PutLock(w, o.lock);
  return std::move(w.out());
}

Status Decode(std::string_view in, ObjectRecord* o) {
  RecordReader r("");
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, kObject, &r, &version));
  *o = ObjectRecord{};
  o->size = r.U64();
  o->etag = r.Str();
  o->modified_ms = r.I64();
  o->owner = r.Str();
  o->storage_class = r.Str();
  o->headers = r.Pairs();
  o->tags = r.Pairs();
  o->parts_count = r.U64();
  uint64_t n = r.U64();
  o->segments.clear();
  for (uint64_t i = 0; r.ok() && i < n; ++i) o->segments.push_back(GetSegment(r));
  if (version >= 2) {
    o->checksum_algorithm = r.Str();
    o->checksum = r.Str();
  }
  if (version >= 3) o->inline_data = r.Str();
  if (version >= 4) {
    uint64_t count = r.U64();
    for (uint64_t i = 0; r.ok() && i < count; ++i) o->part_checksums.push_back(r.Str());
  }
  if (version >= 5) {
    o->version_id = r.Str();
    o->version_seq = r.U64();
    o->delete_marker = r.U64() != 0;
  }
  if (version >= 6) o->lock = GetLock(r);
  return Done(r);
}

std::string Encode(const UploadRecord& u) {
  RecordWriter w = Begin(kUpload);
  w.Str(u.key);
  w.Str(u.owner);
  w.I64(u.initiated_ms);
  w.Str(u.storage_class);
  w.Pairs(u.headers);
  w.Pairs(u.tags);
  w.Str(u.checksum_algorithm);
  w.Str(u.checksum_type);
  PutLock(w, u.lock);
  return std::move(w.out());
}

Status Decode(std::string_view in, UploadRecord* u) {
  RecordReader r("");
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, kUpload, &r, &version));
  *u = UploadRecord{};
  u->key = r.Str();
  u->owner = r.Str();
  u->initiated_ms = r.I64();
  u->storage_class = r.Str();
  u->headers = r.Pairs();
  u->tags = r.Pairs();
  if (version >= 2) u->checksum_algorithm = r.Str();
  if (version >= 4) u->checksum_type = r.Str();
  if (version >= 6) u->lock = GetLock(r);
  return Done(r);
}

std::string Encode(const PartRecord& p) {
  RecordWriter w = Begin(kPart);
  w.U64(p.number);
  w.Str(p.etag);
  w.I64(p.modified_ms);
  Put(w, p.segment);
  w.Str(p.checksum_algorithm);
  w.Str(p.checksum);
  return std::move(w.out());
}

Status Decode(std::string_view in, PartRecord* p) {
  RecordReader r("");
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, kPart, &r, &version));
  *p = PartRecord{};
  p->number = r.U64();
  p->etag = r.Str();
  p->modified_ms = r.I64();
  p->segment = GetSegment(r);
  if (version >= 2) {
    p->checksum_algorithm = r.Str();
    p->checksum = r.Str();
  }
  return Done(r);
}

namespace {
// Opens a record type that has only version 1.
Status OpenV1(std::string_view in, char type, RecordReader* r) {
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, type, r, &version));
  if (version != 1) {
    return Status::Corruption(std::string("unknown metadata record format (expected type ") +
                              type + " version 1)");
  }
  return Status::Ok();
}
}  // namespace

std::string Encode(const GarbageRecord& g) {
  RecordWriter w = Begin(kGarbage, 1);
  w.I64(g.due_ms);
  w.U64(g.segments.size());
  for (const auto& s : g.segments) Put(w, s);
  return std::move(w.out());
}

Status Decode(std::string_view in, GarbageRecord* g) {
  RecordReader r("");
  CAIRN_RETURN_IF_ERROR(OpenV1(in, kGarbage, &r));
  *g = GarbageRecord{};
  g->due_ms = r.I64();
  uint64_t n = r.U64();
  for (uint64_t i = 0; r.ok() && i < n; ++i) g->segments.push_back(GetSegment(r));
  return Done(r);
}

std::string Encode(const ReadLeaseRecord& l) {
  RecordWriter w = Begin(kReadLease, 1);
  w.I64(l.expires_ms);
  return std::move(w.out());
}

Status Decode(std::string_view in, ReadLeaseRecord* l) {
  RecordReader r("");
  CAIRN_RETURN_IF_ERROR(OpenV1(in, kReadLease, &r));
  *l = ReadLeaseRecord{};
  l->expires_ms = r.I64();
  return Done(r);
}

std::string Encode(const CompletedUploadRecord& c) {
  RecordWriter w = Begin(kCompletedUpload, 2);
  w.Str(c.bucket);
  w.Str(c.key);
  w.Str(c.parts_digest);
  w.Str(c.etag);
  w.Str(c.checksum_algorithm);
  w.Str(c.checksum);
  w.I64(c.completed_ms);
  w.Str(c.version_id);
  return std::move(w.out());
}

Status Decode(std::string_view in, CompletedUploadRecord* c) {
  RecordReader r("");
  int version = 0;
  CAIRN_RETURN_IF_ERROR(Open(in, kCompletedUpload, &r, &version));
  if (version > 2) {
    return Status::Corruption("unknown metadata record format (expected type C version 1 to 2)");
  }
  *c = CompletedUploadRecord{};
  c->bucket = r.Str();
  c->key = r.Str();
  c->parts_digest = r.Str();
  c->etag = r.Str();
  c->checksum_algorithm = r.Str();
  c->checksum = r.Str();
  c->completed_ms = r.I64();
  if (version >= 2) c->version_id = r.Str();
  return Done(r);
}

}  // namespace cairn
