#include "cluster/rebalancer.h"

#include <Poco/Dynamic/Var.h>
#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <unistd.h>

#include "durability/stored_segments.h"
#include "meta/count_keys.h"
#include "meta/keys.h"
#include "meta/lease.h"
#include "meta/records.h"
#include "util/clock.h"
#include "util/json_text.h"
#include "util/log.h"

namespace cairn {
namespace {

constexpr int64_t kLeaseMs = 30'000;
constexpr int64_t kPublishEveryMs = 2'000;
// How often a gateway that wants a pass but finds the lease taken, or the cluster unhealthy,
// looks again.
constexpr int64_t kRetryMs = 5'000;

}  // namespace

std::string ToJson(const RebalanceProgress& p) {
  auto num = [](uint64_t v) { return std::to_string(v); };
  return "{\"state\":" + JsonString(p.state) + ",\"detail\":" + JsonString(p.detail) +
         ",\"gateway\":" + JsonString(p.gateway) + ",\"expires_ms\":" + std::to_string(p.expires_ms) +
         ",\"records_total\":" + num(p.records_total) + ",\"records_checked\":" +
         num(p.records_checked) + ",\"shards_misplaced\":" + num(p.shards_misplaced) +
         ",\"shards_moved\":" + num(p.shards_moved) + ",\"bytes_moved\":" + num(p.bytes_moved) +
         ",\"errors\":" + num(p.errors) + ",\"started_ms\":" + std::to_string(p.started_ms) +
         ",\"finished_ms\":" + std::to_string(p.finished_ms) + "}";
}

Status FromJson(std::string_view json, RebalanceProgress* out) {
  try {
    Poco::JSON::Parser parser;
    auto o = parser.parse(std::string(json)).extract<Poco::JSON::Object::Ptr>();
    RebalanceProgress p;
    p.state = o->optValue<std::string>("state", "idle");
    p.detail = o->optValue<std::string>("detail", "");
    p.gateway = o->optValue<std::string>("gateway", "");
    p.expires_ms = o->optValue<Poco::Int64>("expires_ms", 0);
    p.records_total = o->optValue<Poco::UInt64>("records_total", 0);
    p.records_checked = o->optValue<Poco::UInt64>("records_checked", 0);
    p.shards_misplaced = o->optValue<Poco::UInt64>("shards_misplaced", 0);
    p.shards_moved = o->optValue<Poco::UInt64>("shards_moved", 0);
    p.bytes_moved = o->optValue<Poco::UInt64>("bytes_moved", 0);
    p.errors = o->optValue<Poco::UInt64>("errors", 0);
    p.started_ms = o->optValue<Poco::Int64>("started_ms", 0);
    p.finished_ms = o->optValue<Poco::Int64>("finished_ms", 0);
    *out = std::move(p);
    return Status::Ok();
  } catch (const Poco::Exception& e) {
    return Status::Corruption("malformed rebalancer record: " + e.displayText());
  }
}

Rebalancer::Rebalancer(Services& svc, ClusterMap& map, policy::PlacementPolicy& placement)
    : svc_(svc),
      map_(map),
      placement_(placement),
      gateway_("gateway-" + std::to_string(::getpid()) + "-" + RandomHex(3)) {}

void Rebalancer::Start() {
  if (!map_.enabled()) return;
  thread_ = std::thread([this] { Run(); });
}

void Rebalancer::Stop() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

void Rebalancer::Wake(int64_t delay_ms) {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t due = NowMillis() + delay_ms;
    if (wanted_at_ms_ == 0 || due < wanted_at_ms_) wanted_at_ms_ = due;
  }
  wake_.notify_all();
}

bool Rebalancer::Healed() {
  std::vector<DriveInfo> drives;
  if (!svc_.data.Drives(&drives).ok()) return false;
  const bool unhealthy =
      std::any_of(drives.begin(), drives.end(), [](const DriveInfo& d) { return !d.healthy; });
  const bool healed = unhealthy_seen_ && !unhealthy;
  unhealthy_seen_ = unhealthy;
  return healed;
}

bool Rebalancer::Stopping() {
  std::lock_guard<std::mutex> lock(mutex_);
  return stop_;
}

Result<RebalanceProgress> Rebalancer::Progress() const {
  std::string value;
  Status st = svc_.meta.Get(keys::kRebalancerLease, &value);
  if (st.IsNotFound()) return RebalanceProgress{};
  CAIRN_RETURN_IF_ERROR(st);
  RebalanceProgress p;
  CAIRN_RETURN_IF_ERROR(FromJson(value, &p));
  return p;
}

void Rebalancer::Run() {
  const int64_t interval_ms = svc_.config.storage.rebalance_interval_seconds * 1000;
  int64_t next_ms = NowMillis() + kRetryMs;  // let the cluster map settle after startup
  bool requested = true;  // a pass at startup: the map may have changed while we were down
  // The latest time a request asked a pass to start after. A pass that starts earlier (the
  // startup pass, say, while nodes are still being added) does not answer it: one more follows.
  int64_t owed_ms = 0;
  for (;;) {
    {
      std::unique_lock<std::mutex> lock(mutex_);
      wake_.wait_for(lock, std::chrono::seconds(1), [this] { return stop_ || wanted_at_ms_ != 0; });
      if (stop_) return;  // old copies not yet released are orphans for the scrubber
      if (wanted_at_ms_ != 0) {
        next_ms = std::min(next_ms, wanted_at_ms_);
        owed_ms = std::max(owed_ms, wanted_at_ms_);
        wanted_at_ms_ = 0;
        requested = true;
      }
    }
    Release();
    if (Healed()) {
      LogInfo("rebalance", "every drive is healthy again: a pass follows to place what was "
                           "written around the failure");
      next_ms = std::min(next_ms, NowMillis() + kSettleMs);
      owed_ms = std::max(owed_ms, NowMillis() + kSettleMs);
      requested = true;
    }
    if (NowMillis() < next_ms) continue;
    if (!requested) {
      // The interval's pass: every gateway has this timer, one pass per interval is enough.
      auto last = Progress();
      if (last.ok() && last->finished_ms + interval_ms > NowMillis()) {
        next_ms = last->finished_ms + interval_ms;
        continue;
      }
    }
    progress_ = RebalanceProgress{};
    progress_.state = "running";
    progress_.started_ms = NowMillis();
    if (!Publish(/*release=*/false)) {
      // Another gateway's pass holds the lease. A requested pass still runs after it: that
      // pass may have started before what asked for this one.
      next_ms = NowMillis() + (requested ? kRetryMs : interval_ms);
      continue;
    }
    requested = false;
    const int64_t pass_started_ms = progress_.started_ms;
    Pass();
    if (progress_.state == "running") progress_.state = "idle";
    progress_.finished_ms = NowMillis();
    Publish(/*release=*/true);
    if (progress_.state == "waiting") requested = true;
    next_ms = NowMillis() + (requested ? kRetryMs : interval_ms);
    if (owed_ms > pass_started_ms) {
      requested = true;  // asked for after this pass began: it may not have seen the change
      next_ms = std::min(next_ms, std::max(owed_ms, NowMillis()));
    } else {
      owed_ms = 0;
    }
  }
}

bool Rebalancer::Publish(bool release) {
  const int64_t now = NowMillis();
  if (!release && !lease_value_.empty() && now - published_ms_ < kPublishEveryMs) return true;
  progress_.gateway = gateway_;
  progress_.expires_ms = release ? 0 : now + kLeaseMs;
  std::string value = ToJson(progress_);
  if (!TakeOrRenewLease<RebalanceProgress>(svc_.meta, std::string(keys::kRebalancerLease), lease_value_, now, value)) {
    lease_value_.clear();
    return false;
  }
  lease_value_ = release ? "" : value;
  published_ms_ = now;
  return true;
}

void Rebalancer::Pass() {
  std::vector<DriveInfo> drives;
  Status st = svc_.data.Drives(&drives);
  if (!st.ok()) {
    progress_.state = "waiting";
    progress_.detail = "cannot list drives: " + st.ToString();
    return;
  }
  size_t unhealthy = 0;
  for (const auto& d : drives) unhealthy += !d.healthy;
  if (unhealthy > 0) {
    // Moving now would follow a placement that routes around the failure.
    progress_.state = "waiting";
    progress_.detail = std::to_string(unhealthy) + " drive(s) unhealthy; repair comes first";
    return;
  }
  // Objects only. A part of an upload in progress stays where it was written: a move could
  // race CompleteMultipartUpload, which copies the parts' layouts into the object without
  // conditions on the part records. Parts move once they are an object's segments.
  progress_.records_total =
      CountKeys(svc_.meta, keys::kObjectFamily) + CountKeys(svc_.meta, keys::kVersionFamily);
  LogInfo("rebalance", "pass started over " + std::to_string(progress_.records_total) + " records");
  rate_.Restart();
  Objects(drives);
  if (progress_.state != "running") return;
  LogInfo("rebalance", "pass finished: " + std::to_string(progress_.shards_moved) + " of " +
                           std::to_string(progress_.shards_misplaced) + " misplaced shards moved (" +
                           std::to_string(progress_.bytes_moved) + " bytes), " +
                           std::to_string(progress_.errors) + " errors");
}

void Rebalancer::Objects(const std::vector<DriveInfo>& drives) {
  for (std::string_view family : {keys::kObjectFamily, keys::kVersionFamily}) {
    if (!Family(std::string(family), drives)) return;
  }
}

bool Rebalancer::Family(const std::string& family, const std::vector<DriveInfo>& drives) {
  const std::string end = keys::PrefixEnd(family);
  for (std::string start = family;;) {
    if (Stopping()) {
      progress_.state = "idle";
      progress_.detail = "stopped by shutdown";
      return false;
    }
    std::vector<KeyValue> rows;
    Status st = svc_.meta.Scan(start, end, 100, &rows);
    if (!st.ok()) {
      ++progress_.errors;
      progress_.detail = "metadata scan: " + st.ToString();
      return false;
    }
    if (rows.empty()) return true;
    for (const auto& kv : rows) {
      Rebalance(kv, drives);
      ++progress_.records_checked;
      if (!Publish(/*release=*/false)) {
        progress_.state = "idle";
        progress_.detail = "lost the lease to another gateway";
        LogWarn("rebalance", progress_.detail);
        return false;
      }
      Release();
    }
    start = rows.back().key + std::string(1, '\0');
  }
}

void Rebalancer::Rebalance(const KeyValue& kv, const std::vector<DriveInfo>& drives) {
  ObjectRecord object;
  if (!Decode(kv.value, &object).ok()) return;
  const size_t slash = kv.key.find('/', 2);
  if (slash == std::string::npos) return;
  policy::PlacementRequest req;
  req.bucket = kv.key.substr(2, slash - 2);
  req.key = kv.key.substr(slash + 1);
  req.key = req.key.substr(0, req.key.find('\0'));  // a noncurrent version: v/<b>/<key>\0<seq>
  req.storage_class = object.storage_class;
  auto known = [&](const std::string& id) {
    return std::any_of(drives.begin(), drives.end(), [&](const DriveInfo& d) { return d.id == id; });
  };
  const std::string what = keys::Describe(kv.key);
  std::vector<ShardRef> copies;  // new copies, removed again if the record cannot be updated
  std::vector<ShardRef> olds;    // old copies, released after the commit
  auto throttle = [this](uint64_t b) { rate_.Take(b, svc_.config.storage.rebalance_bytes_per_second); };
  for (Segment& seg : object.segments) {
    req.size = seg.size;
    req.k = static_cast<int>(seg.k);
    req.m = static_cast<int>(seg.m);
    for (size_t c = 0; c < seg.chunks.size(); ++c) {
      auto& layout = seg.chunks[c].drives;
      // A drive the transport does not know (a node removed by force) is repair's business.
      if (!std::all_of(layout.begin(), layout.end(), known)) continue;
      req.chunk = static_cast<uint32_t>(c);
      auto want = placement_.Place(req, drives);
      if (!want.ok()) {
        ++progress_.errors;
        progress_.detail = what + ": placement: " + want.status().message();
        continue;
      }
      // Only the set matters: shards on drives outside it go to the set's drives without one.
      std::vector<uint32_t> leaving;
      for (uint32_t i = 0; i < layout.size(); ++i) {
        if (std::find(want->begin(), want->end(), layout[i]) == want->end()) leaving.push_back(i);
      }
      std::vector<std::string> arriving;
      for (const auto& id : want.value()) {
        if (std::find(layout.begin(), layout.end(), id) == layout.end()) arriving.push_back(id);
      }
      for (size_t j = 0; j < leaving.size() && j < arriving.size(); ++j) {
        ++progress_.shards_misplaced;
        const uint32_t i = leaving[j];
        auto copied = svc_.data.CopyShard(seg, c, i, arriving[j], throttle);
        if (!copied.ok() && Changed(kv)) {
          // Overwritten or deleted meanwhile (its shards went with it): nothing to move.
          for (const auto& ref : copies) svc_.data.RemoveShard(ref);
          return;
        }
        if (!copied.ok()) {
          ++progress_.errors;
          progress_.detail = what + ": " + copied.status().message();
          LogWarn("rebalance", progress_.detail);
          continue;
        }
        const std::string name = DataPath::ShardName(seg.data_id, c, i);
        copies.push_back({arriving[j], name});
        olds.push_back({layout[i], name});
        layout[i] = arriving[j];
        progress_.bytes_moved += copied.value();
      }
    }
  }
  if (copies.empty()) return;
  Txn txn;
  txn.Require(kv.key, TxnCondition::kValueEquals, kv.value);
  txn.Put(kv.key, Encode(object));
  Status st = svc_.meta.Commit(txn);
  if (!st.ok()) {
    // The object changed (or the store failed): drop the copies unless the record now
    // refers to them anyway (another pass made the same move).
    for (const auto& ref : copies) {
      if (!References(kv.key, ref)) svc_.data.RemoveShard(ref);
    }
    if (!st.IsConflict()) {
      ++progress_.errors;
      progress_.detail = what + ": " + st.ToString();
    }
    return;
  }
  progress_.shards_moved += copies.size();
  const int64_t due = NowMillis() + svc_.config.storage.rebalance_release_seconds * 1000;
  for (auto& ref : olds) releases_.push_back({due, std::move(ref), kv.key});
  LogInfo("rebalance", what + ": moved " + std::to_string(copies.size()) + " shard(s)");
}

bool Rebalancer::Changed(const KeyValue& record) {
  std::string now;
  Status st = svc_.meta.Get(record.key, &now);
  return st.IsNotFound() || (st.ok() && now != record.value);
}

bool Rebalancer::References(const std::string& key, const ShardRef& ref) {
  std::string value;
  if (!svc_.meta.Get(key, &value).ok()) return false;
  bool found = false;
  ForEachSegment(key, value, [&](const Segment& s) {
    for (size_t c = 0; c < s.chunks.size(); ++c) {
      for (size_t i = 0; i < s.chunks[c].drives.size(); ++i) {
        found |= s.chunks[c].drives[i] == ref.drive_id &&
                 DataPath::ShardName(s.data_id, c, i) == ref.shard;
      }
    }
  });
  return found;
}

void Rebalancer::Release() {
  const int64_t now = NowMillis();
  while (!releases_.empty() && releases_.front().due_ms <= now) {
    const OldCopy& r = releases_.front();
    // A later pass may have moved the shard back onto this drive; then it is live again. A
    // failed removal leaves an orphan for the scrubber.
    if (!References(r.record_key, r.copy)) svc_.data.RemoveShard(r.copy);
    releases_.pop_front();
  }
}

Result<uint64_t> Rebalancer::CountShardsOn(MetaStore& meta, const std::set<std::string>& drives) {
  uint64_t count = 0;
  for (std::string_view family : {keys::kObjectFamily, keys::kVersionFamily, keys::kPartFamily}) {
    const std::string end = keys::PrefixEnd(family);
    for (std::string start(family);;) {
      std::vector<KeyValue> rows;
      CAIRN_RETURN_IF_ERROR(meta.Scan(start, end, 1000, &rows));
      if (rows.empty()) break;
      for (const auto& kv : rows) {
        ForEachSegment(kv.key, kv.value, [&](const Segment& s) {
          for (const auto& c : s.chunks) {
            for (const auto& d : c.drives) count += drives.count(d);
          }
        });
      }
      start = rows.back().key + std::string(1, '\0');
    }
  }
  return count;
}

}  // namespace cairn
