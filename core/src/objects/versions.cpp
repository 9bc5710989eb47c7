#include "objects/versions.h"

#include <chrono>
#include <cstdio>
#include <thread>

#include "meta/keys.h"
#include "objects/buckets.h"
#include "objects/lifecycle_due.h"
#include "objects/object_lock.h"
#include "objects/objects.h"
#include "util/clock.h"

namespace cairn {
namespace {

Status NoSuchVersion() {
  return Status::S3(CAIRN_NOT_FOUND, "NoSuchVersion",
                    "The specified version does not exist.");
}

uint64_t SeqOfId(const std::string& id) { return std::stoull(id, nullptr, 16); }

}  // namespace

std::string VersionIdOf(uint64_t seq) {
  char hex[17];
  std::snprintf(hex, sizeof(hex), "%016llx", static_cast<unsigned long long>(seq));
  return hex;
}

std::string VersionIdText(const ObjectRecord& r) {
  return r.version_id.empty() ? "null" : r.version_id;
}

uint64_t SeqOf(const ObjectRecord& r) {
  return r.version_seq != 0 ? r.version_seq : static_cast<uint64_t>(r.modified_ms) * 1000;
}

uint64_t NextSeq(const ObjectRecord* current) {
  const uint64_t now = static_cast<uint64_t>(
      std::chrono::duration_cast<std::chrono::microseconds>(
          std::chrono::system_clock::now().time_since_epoch())
          .count());
  return current == nullptr ? now : std::max(now, SeqOf(*current) + 1);
}

Status ValidateVersionId(const std::string& text) {
  if (text == "null") return Status::Ok();
  if (text.size() == 16 && text.find_first_not_of("0123456789abcdef") == std::string::npos &&
      text != "0000000000000000") {
    return Status::Ok();
  }
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument", "Invalid version id specified");
}

Result<std::optional<LoadedVersion>> FindNoncurrentNull(Services& svc, const std::string& bucket,
                                                        const std::string& key) {
  const std::string prefix = keys::VersionsOfKey(bucket, key);
  const std::string end = keys::PrefixEnd(prefix);
  for (std::string start = prefix;;) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(svc.meta.Scan(start, end, 1000, &rows));
    for (auto& kv : rows) {
      ObjectRecord r;
      CAIRN_RETURN_IF_ERROR(Decode(kv.value, &r));
      if (r.version_id.empty()) {
        return std::optional<LoadedVersion>(
            LoadedVersion{std::move(kv.key), std::move(kv.value), std::move(r), false});
      }
    }
    if (rows.size() < 1000) return std::optional<LoadedVersion>();
    start = rows.back().key;
    start.push_back('\0');
  }
}

namespace {

// One look: the current version, then (when it is not the one asked for) the noncurrent one.
// *current_raw is what the current version's key held ("" when absent).
Result<LoadedVersion> LoadVersionOnce(Services& svc, const std::string& bucket,
                                      const std::string& key,
                                      const std::optional<std::string>& version_id,
                                      std::string* current_raw) {
  LoadedVersion v;
  v.meta_key = keys::Object(bucket, key);
  Status st = svc.meta.Get(v.meta_key, &v.raw);
  *current_raw = st.ok() ? v.raw : "";
  if (st.IsNotFound()) {
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    // No current version: no versions at all.
    return version_id ? NoSuchVersion() : Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
  }
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(Decode(v.raw, &v.record));
  v.current = true;
  if (!version_id || VersionIdText(v.record) == *version_id) return v;
  if (*version_id == "null") {
    auto found = FindNoncurrentNull(svc, bucket, key);
    if (!found.ok()) return found.status();
    if (!found.value()) return NoSuchVersion();
    return std::move(*found.value());
  }
  LoadedVersion old;
  old.meta_key = keys::Version(bucket, key, SeqOfId(*version_id));
  st = svc.meta.Get(old.meta_key, &old.raw);
  if (st.IsNotFound()) return NoSuchVersion();
  CAIRN_RETURN_IF_ERROR(st);
  CAIRN_RETURN_IF_ERROR(Decode(old.raw, &old.record));
  if (old.record.version_id != *version_id) return NoSuchVersion();
  return old;
}

}  // namespace

Result<LoadedVersion> LoadVersion(Services& svc, const std::string& bucket,
                                  const std::string& key,
                                  const std::optional<std::string>& version_id) {
  if (version_id) CAIRN_RETURN_IF_ERROR(ValidateVersionId(*version_id));
  for (int attempt = 0;; ++attempt) {
    std::string before;
    auto v = LoadVersionOnce(svc, bucket, key, version_id, &before);
    if (v.ok() || v.status().s3_code() != "NoSuchVersion" || attempt == 10) return v;
    // The two reads are not one snapshot: a concurrent delete of the current version may have
    // moved the asked-for one from v/ to o/ between them. Only an unchanged current version
    // makes the miss certain.
    std::string after;
    Status st = svc.meta.Get(keys::Object(bucket, key), &after);
    if (!st.ok() && !st.IsNotFound()) return st;
    if (after == before) return v;
  }
}

Status SupersedeCurrent(Services& svc, const std::string& bucket, const std::string& key,
                        const std::string& versioning, const ObjectRecord* current,
                        const std::string& current_raw, const ObjectRecord& next, Txn& txn) {
  if (versioning.empty()) {
    if (current != nullptr) FreeReplaced(svc, txn, *current);
    return Status::Ok();
  }
  if (current != nullptr) {
    if (current->version_id.empty() && next.version_id.empty()) {
      // A null version replaces the null version, which must not be locked.
      CAIRN_RETURN_IF_ERROR(CheckDeletable(*current, NowMillis(), false));
      FreeReplaced(svc, txn, *current);
    } else if (current->version_seq == 0) {
      // From before versioning: it keeps its place in the order from now on.
      ObjectRecord kept = *current;
      kept.version_seq = SeqOf(*current);
      txn.Put(keys::Version(bucket, key, kept.version_seq), Encode(kept));
    } else {
      txn.Put(keys::Version(bucket, key, current->version_seq), current_raw);
    }
  }
  if (next.version_id.empty()) {
    auto old_null = FindNoncurrentNull(svc, bucket, key);
    if (!old_null.ok()) return old_null.status();
    if (old_null.value()) {
      const LoadedVersion& v = *old_null.value();
      CAIRN_RETURN_IF_ERROR(CheckDeletable(v.record, NowMillis(), false));
      txn.Require(v.meta_key, TxnCondition::kValueEquals, v.raw);
      txn.Delete(v.meta_key);
      FreeReplaced(svc, txn, v.record);
    }
  }
  return Status::Ok();
}

Status UpdateVersion(Services& svc, const std::string& bucket, const std::string& key,
                     const std::optional<std::string>& version_id,
                     const std::function<Status(ObjectRecord&)>& change) {
  for (int attempt = 0; attempt < 100; ++attempt) {
    auto v = LoadVersion(svc, bucket, key, version_id);
    if (!v.ok()) return v.status();
    ObjectRecord updated = v->record;
    CAIRN_RETURN_IF_ERROR(change(updated));
    auto b = LoadBucket(svc, bucket);
    if (!b.ok()) return b.status();
    Txn txn;
    txn.Require(v->meta_key, TxnCondition::kValueEquals, v->raw);
    txn.Put(v->meta_key, Encode(updated));
    // New tags or a lifted lock can make the version due.
    MarkLifecycleDue(svc, txn, bucket, b->record, key);
    Status st = svc.meta.Commit(txn);
    if (st.IsConflict()) {
      std::this_thread::sleep_for(std::chrono::milliseconds(attempt < 10 ? 1 : 10));
      continue;
    }
    return st;
  }
  return Status::S3(CAIRN_UNAVAILABLE, "SlowDown", "too many concurrent writes to this key");
}

}  // namespace cairn
