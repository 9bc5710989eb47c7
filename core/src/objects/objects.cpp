#include "objects/objects.h"

#include <chrono>
#include <thread>

#include "durability/deferred_free.h"
#include "meta/keys.h"
#include "objects/buckets.h"
#include "objects/lifecycle_due.h"
#include "objects/object_lock.h"
#include "objects/versions.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {
namespace {

Status TooManyConflicts() {
  return Status::S3(CAIRN_UNAVAILABLE, "SlowDown", "too many concurrent writes to this key");
}

// Whether the conditions of `txn` hold now (read one by one, so only a hint: the commit decides).
bool StillHolds(Services& svc, const Txn& txn) {
  for (const auto& c : txn.conditions) {
    std::string value;
    Status st = svc.meta.Get(c.key, &value);
    if (!st.ok() && !st.IsNotFound()) return true;  // cannot tell: let the retry find out
    switch (c.kind) {
      case TxnCondition::kExists: if (!st.ok()) return false; break;
      case TxnCondition::kNotExists: if (st.ok()) return false; break;
      case TxnCondition::kValueEquals: if (!st.ok() || value != c.value) return false; break;
    }
  }
  return true;
}

}  // namespace

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
  if (o.delete_marker) return Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
  return o;
}

void FreeReplaced(const Services& svc, Txn& txn, const ObjectRecord& replaced) {
  DeferredFree::Schedule(txn, replaced.segments,
                         NowMillis() + svc.config.storage.free_delay_seconds * 1000);
}

Status PublishObject(Services& svc, const std::string& bucket, const std::string& key,
                     ObjectRecord& record, const Publication& how) {
  const std::string object_key = keys::Object(bucket, key);
  auto abandon = [&](const Status& e) {
    if (!how.keep_data_on_failure) {
      for (const auto& s : record.segments) svc.data.Delete(s);
    }
    return e;
  };
  // Optimistic concurrency: the current version (or its absence) and the bucket record are
  // conditions; on a conflict, re-read and retry. The last writer to commit wins, as in S3.
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return abandon(b.status());
    const std::string& versioning = b->record.versioning;
    std::string old_raw;
    Status st = svc.meta.Get(object_key, &old_raw);
    if (!st.ok() && !st.IsNotFound()) return abandon(st);
    const bool had_old = st.ok();
    ObjectRecord old;
    if (had_old) {
      if (Status d = Decode(old_raw, &old); !d.ok()) return abandon(d);
    }
    const ObjectRecord* current = had_old ? &old : nullptr;
    if (how.condition.Any()) {
      const bool live = had_old && !old.delete_marker;
      if (Status c = CheckWriteCondition(how.condition, live ? &old : nullptr); !c.ok()) {
        return abandon(c);
      }
    }
    record.delete_marker = false;
    record.version_seq = NextSeq(current);
    record.version_id = versioning == kVersioningEnabled ? VersionIdOf(record.version_seq) : "";
    Txn txn = how.also;
    txn.Require(keys::Bucket(bucket), TxnCondition::kValueEquals, b->raw);
    if (had_old) {
      txn.Require(object_key, TxnCondition::kValueEquals, old_raw);
    } else {
      txn.Require(object_key, TxnCondition::kNotExists);
    }
    txn.Put(object_key, Encode(record));
    for (const auto& id : how.repair) txn.Put(keys::Repair(id), object_key);
    MarkLifecycleDue(svc, txn, bucket, b->record, key);
    st = SupersedeCurrent(svc, bucket, key, versioning, current, old_raw, record, txn);
    if (!st.ok()) return abandon(st);
    if (how.finish) how.finish(record, txn);
    st = svc.meta.Commit(txn);
    if (st.IsConflict()) {
      if (!StillHolds(svc, how.also)) return abandon(st);
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
      continue;
    }
    if (st.IsOutcomeUnknown()) {
      LogWarn("s3", "publishing " + bucket + "/" + key + ": " + st.ToString() +
                        "; its shards stay (the scrubber removes them if nothing refers to them)");
      return st;
    }
    if (!st.ok()) return abandon(st);
    return Status::Ok();
  }
  return abandon(TooManyConflicts());
}

Status PrecheckWriteCondition(Services& svc, const std::string& bucket, const std::string& key,
                              const WriteCondition& condition) {
  if (!condition.Any()) return Status::Ok();
  auto current = LoadObject(svc, bucket, key);
  if (!current.ok() && current.status().s3_code() != "NoSuchKey") return current.status();
  return CheckWriteCondition(condition, current.ok() ? &current.value() : nullptr);
}

Status DeleteObject(Services& svc, const std::string& bucket, const std::string& key,
                    const DeleteCondition& condition, DeleteOutcome* outcome) {
  const std::string object_key = keys::Object(bucket, key);
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    const std::string& versioning = b->record.versioning;
    std::string raw;
    Status st = svc.meta.Get(object_key, &raw);
    if (st.IsNotFound() && versioning.empty()) return Status::Ok();
    if (!st.ok() && !st.IsNotFound()) return st;
    const bool had_current = st.ok();
    ObjectRecord current;
    if (had_current) CAIRN_RETURN_IF_ERROR(Decode(raw, &current));
    if (condition.Any() && had_current && !current.delete_marker) {
      CAIRN_RETURN_IF_ERROR(CheckDeleteCondition(condition, current));
    } else if (condition.version_seq) {
      // The version to expire is no longer current: nothing to do.
      return Status::S3(CAIRN_CONFLICT, "PreconditionFailed", "");
    }
    Txn txn;
    if (had_current) {
      txn.Require(object_key, TxnCondition::kValueEquals, raw);
    } else {
      txn.Require(object_key, TxnCondition::kNotExists);
    }
    ObjectRecord marker;
    if (versioning.empty()) {
      txn.Delete(object_key);
      // Its shards go later: a GET that loaded the record may still be reading them.
      FreeReplaced(svc, txn, current);
    } else {
      txn.Require(keys::Bucket(bucket), TxnCondition::kValueEquals, b->raw);
      marker.delete_marker = true;
      marker.modified_ms = NowMillis();
      marker.owner = b->record.owner;
      marker.version_seq = NextSeq(had_current ? &current : nullptr);
      marker.version_id = versioning == kVersioningEnabled ? VersionIdOf(marker.version_seq) : "";
      txn.Put(object_key, Encode(marker));
      CAIRN_RETURN_IF_ERROR(SupersedeCurrent(svc, bucket, key, versioning,
                                             had_current ? &current : nullptr, raw, marker, txn));
    }
    MarkLifecycleDue(svc, txn, bucket, b->record, key);
    st = svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    CAIRN_RETURN_IF_ERROR(st);
    if (!versioning.empty()) *outcome = DeleteOutcome{true, VersionIdText(marker)};
    return Status::Ok();
  }
  return TooManyConflicts();
}

Status DeleteObjectVersion(Services& svc, const std::string& bucket, const std::string& key,
                           const std::string& version_id, const DeleteCondition& condition,
                           bool bypass_governance, DeleteOutcome* outcome) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto v = LoadVersion(svc, bucket, key, version_id);
    if (!v.ok()) {
      const std::string& code = v.status().s3_code();
      if (code == "NoSuchVersion" || code == "NoSuchKey") {
        *outcome = DeleteOutcome{false, version_id};
        return Status::Ok();
      }
      return v.status();
    }
    if (condition.Any()) CAIRN_RETURN_IF_ERROR(CheckDeleteCondition(condition, v->record));
    CAIRN_RETURN_IF_ERROR(CheckDeletable(v->record, NowMillis(), bypass_governance));
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    Txn txn;
    // What is left may now be due: an expired delete marker, a version with fewer newer ones.
    MarkLifecycleDue(svc, txn, bucket, b->record, key);
    txn.Require(v->meta_key, TxnCondition::kValueEquals, v->raw);
    if (v->current) {
      // The newest noncurrent version, if any, becomes current.
      const std::string prefix = keys::VersionsOfKey(bucket, key);
      std::vector<KeyValue> newest;
      CAIRN_RETURN_IF_ERROR(svc.meta.Scan(prefix, keys::PrefixEnd(prefix), 1, &newest));
      if (newest.empty()) {
        txn.Delete(v->meta_key);
      } else {
        txn.Require(newest[0].key, TxnCondition::kValueEquals, newest[0].value);
        txn.Delete(newest[0].key);
        txn.Put(v->meta_key, newest[0].value);
        // A version moving back from v/ to o/ runs against the orphan sweep's scan order.
        txn.Put(std::string(keys::kPromotions), std::to_string(NowMillis()) + "/" + v->record.version_id);
      }
    } else {
      txn.Delete(v->meta_key);
    }
    FreeReplaced(svc, txn, v->record);
    Status st = svc.meta.Commit(txn);
    if (st.IsConflict()) continue;
    CAIRN_RETURN_IF_ERROR(st);
    *outcome = DeleteOutcome{v->record.delete_marker, VersionIdText(v->record)};
    return Status::Ok();
  }
  return TooManyConflicts();
}

}  // namespace cairn
