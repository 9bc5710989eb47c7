#include "durability/scrubber.h"

#include <map>
#include <set>

#include "data/data_path.h"
#include "durability/stored_segments.h"
#include "meta/count_keys.h"
#include "meta/for_each_key.h"
#include "meta/keys.h"
#include "objects/uploads.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {

Scrubber::~Scrubber() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  changed_.notify_all();
  if (periodic_.joinable()) periodic_.join();
  if (pass_.joinable()) pass_.join();
}

void Scrubber::StartPeriodic() {
  int64_t interval = svc_.config.storage.scrub_interval_seconds;
  if (interval <= 0) return;
  periodic_ = std::thread([this, interval] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!changed_.wait_for(lock, std::chrono::seconds(interval), [this] { return stop_; })) {
      lock.unlock();
      Status st = Start("");
      if (!st.ok() && !st.IsConflict()) LogWarn("scrub", "periodic pass: " + st.ToString());
      lock.lock();
    }
  });
}

Status Scrubber::Start(const std::string& bucket, const std::string& drive) {
  std::lock_guard<std::mutex> lock(mutex_);
  if (stop_) return Status::Unavailable("shutting down");
  if (progress_.running) return Status::Conflict("a scrub is already running");
  if (pass_.joinable()) pass_.join();  // the previous pass has finished
  progress_ = ScrubProgress{};
  progress_.running = true;
  progress_.bucket = bucket;
  progress_.drive = drive;
  progress_.started_ms = NowMillis();
  rate_.Restart();
  pass_ = std::thread([this, bucket, drive] { RunPass(bucket, drive); });
  return Status::Ok();
}

ScrubProgress Scrubber::Progress() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return progress_;
}

void Scrubber::Wait() {
  std::unique_lock<std::mutex> lock(mutex_);
  changed_.wait(lock, [this] { return !progress_.running; });
}

void Scrubber::Throttle(uint64_t bytes) {
  rate_.Take(bytes, svc_.config.storage.scrub_bytes_per_second);
}

void Scrubber::RunPass(const std::string& bucket, const std::string& drive) {
  LogInfo("scrub", "pass started" + (bucket.empty() ? std::string() : " for bucket " + bucket) +
                       (drive.empty() ? std::string() : " to rebuild drive " + drive));
  // Current versions, then noncurrent ones.
  ScrubRecords(bucket.empty() ? std::string(keys::kObjectFamily) : keys::ObjectPrefix(bucket), drive);
  ScrubRecords(bucket.empty() ? std::string(keys::kVersionFamily) : keys::VersionPrefix(bucket), drive);
  if (bucket.empty()) {
    ScrubRecords(std::string(keys::kPartFamily), drive);  // parts of uploads in progress
    bool stopping;
    {
      std::lock_guard<std::mutex> lock(mutex_);
      stopping = stop_;
    }
    if (drive.empty() && !stopping) {
      ExpireUploads();  // before the orphan sweep, which then finds nothing of theirs
      ForgetCompletedUploads();
      RemoveStrayParts();
      RemoveOrphans();
    }
  }
  ScrubProgress done;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    progress_.running = false;
    progress_.finished_ms = NowMillis();
    done = progress_;
  }
  changed_.notify_all();
  LogInfo("scrub", "pass finished: " + std::to_string(done.objects_checked) + " records, " +
                       std::to_string(done.shards_checked) + " shards checked, " +
                       std::to_string(done.shards_repaired) + " repaired, " +
                       std::to_string(done.orphans_removed) + " orphans removed, " +
                       std::to_string(done.unrecoverable.size()) + " unrecoverable");
}

void Scrubber::ScrubRecords(const std::string& prefix, const std::string& drive) {
  const std::string end = keys::PrefixEnd(prefix);
  const uint64_t total = CountKeys(svc_.meta, prefix);  // for the progress bar
  Update([&](ScrubProgress& p) { p.objects_total += total; });

  std::string start = prefix;
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mutex_);
      if (stop_) return;
    }
    std::vector<KeyValue> rows;
    Status st = svc_.meta.Scan(start, end, 100, &rows);
    if (!st.ok()) {
      Update([&](ScrubProgress& p) { p.errors.push_back("metadata scan: " + st.ToString()); });
      return;
    }
    if (rows.empty()) return;
    for (const auto& kv : rows) {
      // A drive-replacement pass only needs the records with a shard on that drive.
      bool relevant = drive.empty();
      if (!relevant) {
        ForEachSegment(kv.key, kv.value, [&](const Segment& s) {
          for (const auto& c : s.chunks) {
            for (const auto& d : c.drives) relevant |= d == drive;
          }
        });
      }
      if (relevant) {
        auto r = RepairStoredSegments(svc_, kv.key, "", /*verify=*/true,
                                      [this](uint64_t b) { Throttle(b); });
        std::string name = keys::Describe(kv.key);
        Update([&](ScrubProgress& p) {
          if (!r.ok()) {
            p.errors.push_back(name + ": " + r.status().ToString());
            return;
          }
          p.shards_checked += r->report.shards_checked;
          p.shards_repaired += r->report.shards_repaired;
          p.bytes_verified += r->report.bytes_verified;
          if (r->report.chunks_lost > 0) p.unrecoverable.push_back(name);
          for (const auto& e : r->report.errors) p.errors.push_back(name + ": " + e);
        });
      }
      Update([](ScrubProgress& p) { ++p.objects_checked; });
    }
    start = rows.back().key + std::string(1, '\0');
  }
}

void Scrubber::ExpireUploads() {
  int64_t expiry = svc_.config.storage.multipart_expiry_seconds;
  if (expiry <= 0) return;
  const int64_t cutoff_ms = NowMillis() - expiry * 1000;
  std::string start = "u/";
  const std::string end = keys::PrefixEnd("u/");
  while (true) {
    std::vector<KeyValue> rows;
    if (!svc_.meta.Scan(start, end, 1000, &rows).ok() || rows.empty()) return;
    for (const auto& kv : rows) {
      UploadRecord u;
      if (!Decode(kv.value, &u).ok() || u.initiated_ms > cutoff_ms) continue;
      if (AbortUpload(svc_, kv.key, kv.value).ok()) {
        LogInfo("scrub", "aborted the stale multipart upload of " + kv.key.substr(2, kv.key.find('\0') - 2) +
                             " (initiated " + Iso8601(u.initiated_ms) + ")");
        Update([](ScrubProgress& p) { ++p.uploads_expired; });
      }
    }
    start = rows.back().key + std::string(1, '\0');
  }
}

void Scrubber::ForgetCompletedUploads() {
  const int64_t cutoff_ms = NowMillis() - kCompletedUploadKeepMs;
  std::vector<std::string> expired;
  Status st = ForEachKeyWithPrefix(svc_.meta, keys::kCompletedUploadPrefix,
                                   [&](const KeyValue& kv) {
                                     CompletedUploadRecord c;
                                     if (!Decode(kv.value, &c).ok() || c.completed_ms < cutoff_ms) {
                                       expired.push_back(kv.key);
                                     }
                                   });
  if (!st.ok()) LogWarn("scrub", "listing completed uploads: " + st.ToString());
  for (size_t i = 0; i < expired.size(); i += kMaxTxnOps) {
    Txn txn;
    for (size_t j = i; j < expired.size() && j < i + kMaxTxnOps; ++j) txn.Delete(expired[j]);
    if (!svc_.meta.Commit(txn).ok()) return;  // the next pass tries again
  }
}

void Scrubber::RemoveStrayParts() {
  // Part keys first, uploads second. A part is committed only while its upload exists, so a
  // part seen here whose upload is missing from the later scan belongs to an upload that was
  // completed or aborted before that scan: its key is left over from a crash in between
  // (see DeletePartKeys). Only keys go; shards nothing refers to are the orphan sweep's.
  std::vector<KeyValue> parts;
  std::string family(keys::kPartFamily);
  if (!svc_.meta.Scan(family, keys::PrefixEnd(family), 0, &parts).ok() || parts.empty()) return;
  std::set<std::string> uploads;
  std::vector<KeyValue> rows;
  if (!svc_.meta.Scan("u/", keys::PrefixEnd("u/"), 0, &rows).ok()) return;
  for (const auto& kv : rows) uploads.insert(kv.key.substr(kv.key.find('\0') + 1));
  std::vector<KeyValue> stray;
  for (auto& kv : parts) {
    const size_t slash = kv.key.find('/', family.size());
    if (uploads.count(kv.key.substr(family.size(), slash - family.size())) == 0) {
      stray.push_back(std::move(kv));
    }
  }
  if (stray.empty()) return;
  LogInfo("scrub", "removing " + std::to_string(stray.size()) +
                       " part keys of uploads that were completed or aborted");
  DeletePartKeys(svc_, stray);
}

namespace {

// "<data id[0:2]>/<data id>/c<chunk>.s<shard>" -> "<data id>" ("" for another name).
std::string DataIdOfShard(const std::string& shard) {
  size_t first = shard.find('/');
  if (first == std::string::npos) return "";
  size_t second = shard.find('/', first + 1);
  if (second == std::string::npos) return "";
  return shard.substr(first + 1, second - first - 1);
}

}  // namespace

void Scrubber::RemoveOrphans() {
  // Which drive each referenced shard lives on: "<data id>/c<chunk>.s<shard>" -> drive id.
  // Families in the order a segment moves through them -- a part, a current object version, a
  // noncurrent version, a deferred free -- so that a segment moving on while the scans run is
  // seen in the later family. The one move against that order, a noncurrent version becoming
  // current again (objects.cpp, DeleteObjectVersion), bumps keys::kPromotions: when it changed
  // during the scans, nothing is removed this pass.
  std::map<std::string, std::string> wanted;
  // The data ids of replaced versions waiting for the deferred free, and of versions under a
  // read lease, are the deferred free's to remove, when no reader needs them any more
  // (deferred_free.h): every shard of theirs stays, on whatever drive. (A leased version is
  // also an object or a pending free, so the leases are only a second guard.)
  std::set<std::string> deferred;
  auto referenced = [&](std::string_view family, const KeyValue& kv) {
    if (family == keys::kReadLeasePrefix) {
      deferred.insert(keys::ReadLeaseDataId(kv.key));
    } else if (family == keys::kGarbagePrefix) {
      deferred.insert(keys::GarbageDataId(kv.key));
      GarbageRecord garbage;
      if (Decode(kv.value, &garbage).ok()) {
        for (const auto& s : garbage.segments) deferred.insert(s.data_id);
      }
    } else {
      ForEachSegment(kv.key, kv.value, [&](const Segment& s) {
        for (size_t c = 0; c < s.chunks.size(); ++c) {
          for (size_t i = 0; i < s.chunks[c].drives.size(); ++i) {
            wanted[DataPath::ShardName(s.data_id, c, i)] = s.chunks[c].drives[i];
          }
        }
      });
    }
  };
  std::string promotions_before, promotions_after;
  if (Status st = svc_.meta.Get(keys::kPromotions, &promotions_before);
      !st.ok() && !st.IsNotFound()) {
    Update([&](ScrubProgress& p) { p.errors.push_back("orphan scan: " + st.ToString()); });
    return;
  }
  for (std::string_view family : {keys::kPartFamily, keys::kObjectFamily, keys::kVersionFamily,
                                   keys::kGarbagePrefix, keys::kReadLeasePrefix}) {
    Status st = ForEachKeyWithPrefix(svc_.meta, family,
                                     [&](const KeyValue& kv) { referenced(family, kv); });
    if (!st.ok()) {
      Update([&](ScrubProgress& p) { p.errors.push_back("orphan scan: " + st.ToString()); });
      return;  // without the full picture nothing may be removed
    }
  }
  if (Status st = svc_.meta.Get(keys::kPromotions, &promotions_after);
      (!st.ok() && !st.IsNotFound()) || promotions_after != promotions_before) {
    LogInfo("scrub", "orphan sweep skipped: a version became current again during its scan");
    return;
  }
  std::vector<DriveInfo> drives;
  if (!transport_.Drives(&drives).ok()) return;
  const int64_t cutoff = NowMillis() / 1000 - svc_.config.storage.orphan_grace_seconds;
  for (const auto& d : drives) {
    if (!d.healthy) continue;
    std::vector<ShardStat> shards;
    Status st = transport_.List({d.id, ""}, &shards);
    if (!st.ok()) continue;
    for (const auto& s : shards) {
      auto it = wanted.find(s.shard);
      if (it != wanted.end() && it->second == d.id) continue;
      if (s.mtime_unix > cutoff) continue;  // maybe a write in progress: wait for the grace
      if (deferred.count(DataIdOfShard(s.shard)) > 0) continue;
      if (transport_.Remove({d.id, s.shard}).ok()) {
        LogInfo("scrub", "removed orphan shard " + s.shard + " from drive " + d.id);
        Update([](ScrubProgress& p) { ++p.orphans_removed; });
      }
    }
  }
}

}  // namespace cairn
