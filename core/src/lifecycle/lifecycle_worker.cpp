#include "lifecycle/lifecycle_worker.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <unistd.h>
#include <vector>

#include "lifecycle/transition.h"
#include "meta/keys.h"
#include "meta/lease.h"
#include "objects/buckets.h"
#include "objects/lifecycle_due.h"
#include "objects/object_lock.h"
#include "objects/objects.h"
#include "objects/uploads.h"
#include "objects/versions.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/json_text.h"
#include "util/log.h"

namespace cairn {
namespace {

// Short, so a crashed pass holds up the next one briefly; two passes at once (a transition
// outlasting the lease) are safe, only wasted work: every action is conditional.
constexpr int64_t kLeaseMs = 10'000;
constexpr int64_t kPublishEveryMs = 2'000;
constexpr size_t kPage = 100;
// Uploads of one key evaluated in one go (the oldest first); more wait for the next pass.
constexpr size_t kMaxUploadsPerKey = 1000;
// An evaluation that failed (a script error, an action that failed) is retried this long later.
constexpr int64_t kRetryMs = 60'000;

// The intake generation of a bucket: what its keys were last walked for.
std::string Generation(const BucketRecord& record, const std::string& script) {
  return std::to_string(record.lifecycle_set_ms) + ":" + script;
}

}  // namespace

std::string ToJson(const LifecycleProgress& p) {
  auto num = [](uint64_t v) { return std::to_string(v); };
  return "{\"state\":" + JsonString(p.state) + ",\"gateway\":" + JsonString(p.gateway) +
         ",\"expires_ms\":" + std::to_string(p.expires_ms) + ",\"at_ms\":" +
         std::to_string(p.at_ms) + ",\"started_ms\":" + std::to_string(p.started_ms) +
         ",\"finished_ms\":" + std::to_string(p.finished_ms) +
         ",\"keys_evaluated\":" + num(p.keys_evaluated) +
         ",\"objects_expired\":" + num(p.objects_expired) +
         ",\"versions_deleted\":" + num(p.versions_deleted) +
         ",\"delete_markers_removed\":" + num(p.delete_markers_removed) +
         ",\"transitions\":" + num(p.transitions) +
         ",\"bytes_transitioned\":" + num(p.bytes_transitioned) +
         ",\"uploads_aborted\":" + num(p.uploads_aborted) +
         ",\"locked_skipped\":" + num(p.locked_skipped) + ",\"errors\":" + num(p.errors) +
         ",\"last_error\":" + JsonString(p.last_error) +
         ",\"buckets_scanned\":" + num(p.buckets_scanned) + "}";
}

Status FromJson(std::string_view json, LifecycleProgress* out) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    LifecycleProgress p;
    p.state = o->optValue<std::string>("state", "idle");
    p.gateway = o->optValue<std::string>("gateway", "");
    p.expires_ms = o->optValue<Poco::Int64>("expires_ms", 0);
    p.at_ms = o->optValue<Poco::Int64>("at_ms", 0);
    p.started_ms = o->optValue<Poco::Int64>("started_ms", 0);
    p.finished_ms = o->optValue<Poco::Int64>("finished_ms", 0);
    p.keys_evaluated = o->optValue<Poco::UInt64>("keys_evaluated", 0);
    p.objects_expired = o->optValue<Poco::UInt64>("objects_expired", 0);
    p.versions_deleted = o->optValue<Poco::UInt64>("versions_deleted", 0);
    p.delete_markers_removed = o->optValue<Poco::UInt64>("delete_markers_removed", 0);
    p.transitions = o->optValue<Poco::UInt64>("transitions", 0);
    p.bytes_transitioned = o->optValue<Poco::UInt64>("bytes_transitioned", 0);
    p.uploads_aborted = o->optValue<Poco::UInt64>("uploads_aborted", 0);
    p.locked_skipped = o->optValue<Poco::UInt64>("locked_skipped", 0);
    p.errors = o->optValue<Poco::UInt64>("errors", 0);
    p.last_error = o->optValue<std::string>("last_error", "");
    p.buckets_scanned = o->optValue<Poco::UInt64>("buckets_scanned", 0);
    *out = std::move(p);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Corruption("malformed lifecycle record: " + e.displayText());
  }
}

LifecycleWorker::LifecycleWorker(Services& svc)
    : svc_(svc), gateway_("gateway-" + std::to_string(::getpid()) + "-" + RandomHex(3)) {
  for (const auto& [name, wc] : svc.classes) storage_classes_.insert(name);
}

Result<std::unique_ptr<LifecycleWorker>> LifecycleWorker::Create(
    Services& svc, const policy::SandboxLimits& limits) {
  std::unique_ptr<LifecycleWorker> w(new LifecycleWorker(svc));
  auto log = [](const std::string& line) { LogInfo("lifecycle", line); };
  auto p = policy::LifecyclePolicy::Load(svc.config.ResolvePath(svc.config.lifecycle.script),
                                         limits, log);
  if (!p.ok()) return p.status();
  w->default_policy_ = std::move(p.value());
  for (const auto& [bucket, script] : svc.config.lifecycle.bucket_scripts) {
    auto bp = policy::LifecyclePolicy::Load(svc.config.ResolvePath(script), limits, log);
    if (!bp.ok()) return bp.status();
    w->bucket_policies_[bucket] = std::move(bp.value());
  }
  return w;
}

void LifecycleWorker::Start() {
  if (svc_.config.lifecycle.interval_seconds <= 0) return;
  thread_ = std::thread([this] { Run(); });
}

void LifecycleWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

bool LifecycleWorker::Stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_;
}

void LifecycleWorker::Run() {
  const auto interval = std::chrono::seconds(svc_.config.lifecycle.interval_seconds);
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      if (wake_.wait_for(lock, interval, [this] { return stop_; })) return;
    }
    auto ran = RunNow(NowMillis());
    if (!ran.ok() && !ran.status().IsConflict()) {
      LogWarn("lifecycle", "pass failed: " + ran.status().ToString());
    }
  }
}

Result<LifecycleProgress> LifecycleWorker::Progress() const {
  std::string value;
  Status st = svc_.meta.Get(keys::kLifecycleLease, &value);
  if (st.IsNotFound()) return LifecycleProgress{};
  CAIRN_RETURN_IF_ERROR(st);
  LifecycleProgress p;
  CAIRN_RETURN_IF_ERROR(FromJson(value, &p));
  return p;
}

Result<uint64_t> LifecycleWorker::DueCount(int64_t at_ms) const {
  uint64_t count = 0;
  const std::string end = keys::LifecycleDueEnd(at_ms);
  for (std::string start(keys::kLifecycleDuePrefix);;) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(svc_.meta.Scan(start, end, 1000, &rows));
    count += rows.size();
    if (rows.size() < 1000) return count;
    start = rows.back().key + std::string(1, '\0');
  }
}

Result<LifecycleProgress> LifecycleWorker::RunNow(int64_t at_ms) {
  std::lock_guard<std::mutex> one_pass(pass_mutex_);  // a timer's pass here ends first
  progress_ = LifecycleProgress{};
  progress_.state = "running";
  progress_.at_ms = at_ms;
  progress_.started_ms = NowMillis();
  if (!Publish(/*release=*/false)) {
    return Status::Conflict("a lifecycle pass is running on another gateway");
  }
  Pass(at_ms);
  progress_.state = "idle";
  progress_.finished_ms = NowMillis();
  Publish(/*release=*/true);
  LogInfo("lifecycle", "pass finished: " + std::to_string(progress_.keys_evaluated) +
                           " keys evaluated, " + std::to_string(progress_.objects_expired) +
                           " expired, " + std::to_string(progress_.versions_deleted) +
                           " versions and " + std::to_string(progress_.delete_markers_removed) +
                           " delete markers removed, " + std::to_string(progress_.transitions) +
                           " transitions, " + std::to_string(progress_.uploads_aborted) +
                           " uploads aborted, " + std::to_string(progress_.errors) + " errors");
  return progress_;
}

bool LifecycleWorker::Publish(bool release) {
  const int64_t now = NowMillis();
  if (!release && !lease_value_.empty() && now - published_ms_ < kPublishEveryMs) return true;
  progress_.gateway = gateway_;
  progress_.expires_ms = release ? 0 : now + kLeaseMs;
  std::string value = ToJson(progress_);
  if (!TakeOrRenewLease<LifecycleProgress>(svc_.meta, std::string(keys::kLifecycleLease), lease_value_, now, value)) {
    lease_value_.clear();
    return false;
  }
  lease_value_ = release ? "" : value;
  published_ms_ = now;
  return true;
}

void LifecycleWorker::Fail(const std::string& what) {
  ++progress_.errors;
  progress_.last_error = what;
  LogWarn("lifecycle", what);
}

policy::LifecyclePolicy* LifecycleWorker::PolicyFor(const std::string& bucket) {
  auto it = bucket_policies_.find(bucket);
  return it == bucket_policies_.end() ? default_policy_.get() : it->second.get();
}

void LifecycleWorker::Pass(int64_t at_ms) {
  rate_.Restart();
  locked_seen_.clear();
  // Intake: buckets whose rules (or script) changed since their keys were last walked.
  const std::string bucket_end = keys::PrefixEnd(keys::kBucketPrefix);
  for (std::string start(keys::kBucketPrefix);;) {
    std::vector<KeyValue> rows;
    Status st = svc_.meta.Scan(start, bucket_end, kPage, &rows);
    if (!st.ok()) return Fail("listing buckets: " + st.ToString());
    for (const auto& kv : rows) {
      BucketRecord record;
      const std::string bucket = kv.key.substr(keys::kBucketPrefix.size());
      if (!Decode(kv.value, &record).ok() || !LifecycleApplies(svc_, bucket, record)) continue;
      if (!Intake(bucket, Generation(record, PolicyFor(bucket)->script_path()), at_ms)) return;
    }
    if (rows.size() < kPage) break;
    start = rows.back().key + std::string(1, '\0');
  }
  DueKeys(at_ms);
}

bool LifecycleWorker::Intake(const std::string& bucket, const std::string& generation,
                             int64_t at_ms) {
  const std::string intake_key = keys::LifecycleIntake(bucket);
  std::string state;
  Status st = svc_.meta.Get(intake_key, &state);
  if (!st.ok() && !st.IsNotFound()) {
    Fail("reading " + intake_key + ": " + st.ToString());
    return true;
  }
  std::string after;  // the last key walked
  if (st.ok()) {
    const size_t nl = state.find('\n');
    if (nl != std::string::npos && state.compare(0, nl, generation) == 0) {
      after = state.substr(nl + 1);
      if (after == "done") return true;
    }
  }
  // Every key with a current version (every key with noncurrent ones has one), then every key
  // with an upload in progress.
  const std::string objects = keys::ObjectPrefix(bucket);
  const std::string uploads = keys::UploadPrefix(bucket);
  for (const std::string& prefix : {objects, uploads}) {
    const std::string end = keys::PrefixEnd(prefix);
    std::string start = prefix;
    if (!after.empty() && after.compare(0, prefix.size(), prefix) == 0) {
      start = after + std::string(1, '\0');
    } else if (!after.empty() && prefix == objects && after.rfind(uploads, 0) == 0) {
      continue;  // the object keys were walked already
    }
    for (;;) {
      if (Stopping()) return false;
      std::vector<KeyValue> rows;
      st = svc_.meta.Scan(start, end, kPage, &rows);
      if (!st.ok()) {
        Fail("walking " + bucket + ": " + st.ToString());
        return true;
      }
      for (const auto& kv : rows) {
        std::string key = kv.key.substr(prefix.size());
        key = key.substr(0, key.find('\0'));  // an upload: <key>\0<upload id>
        Txn txn;
        txn.Put(keys::LifecycleDue(at_ms, bucket, key), "");
        txn.Put(intake_key, generation + "\n" + kv.key);
        if (Status c = svc_.meta.Commit(txn); !c.ok()) {
          Fail("marking " + bucket + "/" + key + " due: " + c.ToString());
          return true;
        }
        if (!Publish(/*release=*/false)) return false;
      }
      if (rows.size() < kPage) break;
      start = rows.back().key + std::string(1, '\0');
    }
  }
  Txn done;
  done.Put(intake_key, generation + "\ndone");
  if (Status c = svc_.meta.Commit(done); !c.ok()) {
    Fail("finishing the walk of " + bucket + ": " + c.ToString());
  }
  ++progress_.buckets_scanned;
  return true;
}

bool LifecycleWorker::DueKeys(int64_t at_ms) {
  const std::string end = keys::LifecycleDueEnd(at_ms);
  for (std::string start(keys::kLifecycleDuePrefix);;) {
    std::vector<KeyValue> rows;
    Status st = svc_.meta.Scan(start, end, kPage, &rows);
    if (!st.ok()) {
      Fail("reading the due index: " + st.ToString());
      return false;
    }
    for (const auto& kv : rows) {
      if (Stopping()) return false;
      int64_t due = 0;
      std::string bucket, key;
      Txn txn;
      txn.Require(kv.key, TxnCondition::kExists);
      txn.Delete(kv.key);
      if (keys::ParseLifecycleDue(kv.key, &due, &bucket, &key)) {
        rate_.Take(1, svc_.config.lifecycle.actions_per_second);
        int64_t next = EvaluateKey(bucket, key, at_ms);
        ++progress_.keys_evaluated;
        if (next >= 0) txn.Put(keys::LifecycleDue(std::max(next, at_ms + 1), bucket, key), "");
      }
      // Conflict: another evaluation took this mark (a pass that lost the lease); fine.
      if (Status c = svc_.meta.Commit(txn); !c.ok() && !c.IsConflict()) {
        Fail("updating the due index for " + bucket + "/" + key + ": " + c.ToString());
      }
      if (!Publish(/*release=*/false)) return false;
    }
    if (rows.size() < kPage) return true;
    start = rows.back().key + std::string(1, '\0');
  }
}

int64_t LifecycleWorker::EvaluateVersion(const BucketRecord& bucket_record,
                                         const std::string& bucket, const std::string& key,
                                         const LoadedVersion& v, int64_t noncurrent_since_ms,
                                         int64_t newer_noncurrent, bool only_version,
                                         int64_t at_ms) {
  const ObjectRecord& r = v.record;
  policy::LifecycleFacts f;
  f.bucket = bucket;
  f.key = key;
  f.kind = r.delete_marker ? "delete_marker" : "version";
  f.version_id = VersionIdText(r);
  f.current = v.current;
  f.size = r.size;
  f.tags = r.tags;
  f.storage_class = r.storage_class;
  f.created_ms = r.modified_ms;
  f.noncurrent_since_ms = v.current ? 0 : noncurrent_since_ms;
  f.newer_noncurrent = newer_noncurrent;
  f.only_version = only_version;
  f.locked = !CheckDeletable(r, NowMillis(), false).ok();
  auto d = PolicyFor(bucket)->Evaluate(bucket_record.lifecycle, f, at_ms,
                                       svc_.config.lifecycle.seconds_per_day, storage_classes_);
  if (!d.ok()) {
    Fail(d.status().message());
    return at_ms + kRetryMs;
  }
  const std::string& action = d->action;
  if (action.empty()) return d->next_ms;
  // The earlier of the policy's `next` and `t` (-1: none).
  auto or_earlier = [&d](int64_t t) {
    return d->next_ms < 0 || (t >= 0 && t < d->next_ms) ? t : d->next_ms;
  };
  const std::string what = bucket + "/" + key + "?versionId=" + f.version_id;
  DeleteOutcome outcome;
  Status st;
  if (action == "expire") {
    DeleteCondition exactly;
    exactly.version_seq = SeqOf(r);
    st = DeleteObject(svc_, bucket, key, exactly, &outcome);
    if (st.ok()) ++progress_.objects_expired;
  } else if (action == "delete") {
    st = DeleteObjectVersion(svc_, bucket, key, f.version_id, {}, false, &outcome);
    if (st.ok()) ++(r.delete_marker ? progress_.delete_markers_removed : progress_.versions_deleted);
  } else if (action == "transition") {
    uint64_t bytes = 0;
    st = TransitionVersion(svc_, bucket, key, v, d->storage_class,
                           svc_.config.lifecycle.transition_bytes_per_second, &bytes);
    if (st.ok()) {
      ++progress_.transitions;
      progress_.bytes_transitioned += bytes;
    }
  }
  if (st.ok()) {
    LogInfo("lifecycle", action + " " + what + (d->rule.empty() ? "" : " (rule " + d->rule + ")"));
    // A transitioned version may be due for more in its new class; the others changed the key,
    // which marked it due.
    return action == "transition" ? at_ms : d->next_ms;
  }
  if (st.s3_code() == "PreconditionFailed" || st.IsConflict()) {
    return at_ms;  // it changed meanwhile: its change marked it due, look again anyway
  }
  if (st.s3_code() == "AccessDenied") {
    // Object lock keeps it: look again when the retention ends (a lifted legal hold marks the
    // key due by itself). Counted once per version and pass, however many marks fell due.
    if (locked_seen_.insert(v.meta_key).second) ++progress_.locked_skipped;
    return or_earlier(r.lock.retain_until_ms > at_ms ? r.lock.retain_until_ms : -1);
  }
  Fail(action + " " + what + ": " + st.ToString());
  return or_earlier(at_ms + kRetryMs);
}

int64_t LifecycleWorker::EvaluateKey(const std::string& bucket, const std::string& key,
                                     int64_t at_ms) {
  auto b = LoadBucket(svc_, bucket);
  if (!b.ok()) return -1;  // the bucket is gone, and its keys with it
  if (!LifecycleApplies(svc_, bucket, b->record)) return -1;
  policy::LifecyclePolicy* policy = PolicyFor(bucket);
  const std::string what = bucket + "/" + key;
  int64_t next = -1;
  auto later = [&next](int64_t t) {
    if (t >= 0 && (next < 0 || t < next)) next = t;
  };

  // The key's versions, newest first: the current one, then the noncurrent ones a page at a
  // time (a key may have any number; only a page is held).
  LoadedVersion current;
  current.meta_key = keys::Object(bucket, key);
  current.current = true;
  Status got = svc_.meta.Get(current.meta_key, &current.raw);
  if (!got.ok() && !got.IsNotFound()) {
    Fail("loading " + what + ": " + got.ToString());
    return at_ms + kRetryMs;
  }
  if (got.ok() && Decode(current.raw, &current.record).ok()) {
    const std::string prefix = keys::VersionsOfKey(bucket, key);
    const std::string end = keys::PrefixEnd(prefix);
    int64_t superseded_ms = current.record.modified_ms;  // when the next one became noncurrent
    int64_t newer_noncurrent = 0;
    bool current_done = false;
    for (std::string start = prefix;;) {
      std::vector<KeyValue> rows;
      Status st = svc_.meta.Scan(start, end, kPage, &rows);
      if (!st.ok()) {
        Fail("loading the versions of " + what + ": " + st.ToString());
        return at_ms + kRetryMs;
      }
      if (!current_done) {
        later(EvaluateVersion(b->record, bucket, key, current, 0, 0, rows.empty(), at_ms));
        current_done = true;
      }
      for (auto& kv : rows) {
        LoadedVersion v;
        v.meta_key = kv.key;
        v.raw = std::move(kv.value);
        if (!Decode(v.raw, &v.record).ok()) continue;
        later(EvaluateVersion(b->record, bucket, key, v, superseded_ms, newer_noncurrent++,
                              false, at_ms));
        superseded_ms = v.record.modified_ms;
      }
      if (rows.size() < kPage) break;
      start = rows.back().key + std::string(1, '\0');
    }
  }

  // Uploads in progress of this key.
  const std::string upload_prefix = keys::Upload(bucket, key, "");
  std::vector<KeyValue> uploads;
  Status st = svc_.meta.Scan(upload_prefix, keys::PrefixEnd(upload_prefix), kMaxUploadsPerKey,
                             &uploads);
  if (!st.ok()) {
    Fail("loading the uploads of " + what + ": " + st.ToString());
    return at_ms + kRetryMs;
  }
  if (uploads.size() == kMaxUploadsPerKey) later(at_ms);  // the rest, in the next pass
  for (const auto& kv : uploads) {
    UploadRecord u;
    if (!Decode(kv.value, &u).ok()) continue;
    policy::LifecycleFacts f;
    f.bucket = bucket;
    f.key = key;
    f.kind = "upload";
    f.version_id = kv.key.substr(upload_prefix.size());
    f.storage_class = u.storage_class;
    f.tags = u.tags;
    f.created_ms = u.initiated_ms;
    auto d = policy->Evaluate(b->record.lifecycle, f, at_ms, svc_.config.lifecycle.seconds_per_day,
                              storage_classes_);
    if (!d.ok()) {
      Fail(d.status().message());
      later(at_ms + kRetryMs);
      continue;
    }
    later(d->next_ms);
    if (d->action != "abort") continue;
    Status a = AbortUpload(svc_, kv.key, kv.value);
    if (a.ok()) {
      ++progress_.uploads_aborted;
      LogInfo("lifecycle", "abort upload " + f.version_id + " of " + what);
    } else if (!a.IsConflict()) {
      Fail("abort upload " + f.version_id + " of " + what + ": " + a.ToString());
      later(at_ms + kRetryMs);
    }
  }
  return next;
}

}  // namespace cairn
