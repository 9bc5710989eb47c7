#include "lifecycle/transition.h"

#include "data/object_source.h"
#include "meta/keys.h"
#include "objects/objects.h"
#include "objects/write_params.h"
#include "util/digest.h"
#include "util/encoding.h"
#include "util/log.h"
#include "util/rate_limiter.h"

namespace cairn {
namespace {

// A source read no faster than a byte rate.
class PacedSource : public PayloadSource {
 public:
  PacedSource(PayloadSource& inner, int64_t bytes_per_second)
      : inner_(inner), bytes_per_second_(bytes_per_second) {
    rate_.Restart();
  }
  Result<size_t> Read(uint8_t* out, size_t size) override {
    auto n = inner_.Read(out, size);
    if (n.ok()) rate_.Take(n.value(), bytes_per_second_);
    return n;
  }

 private:
  PayloadSource& inner_;
  const int64_t bytes_per_second_;
  RateLimiter rate_;
};

}  // namespace

Status TransitionVersion(Services& svc, const std::string& bucket, const std::string& key,
                         const LoadedVersion& version, const std::string& storage_class,
                         int64_t bytes_per_second, uint64_t* bytes) {
  const ObjectRecord& old = version.record;
  *bytes = 0;
  ObjectRecord moved = old;
  moved.storage_class = storage_class;
  std::vector<std::string> repair;
  auto discard = [&](const Status& e) {
    for (const Segment& s : moved.segments) {
      if (!s.data_id.empty()) svc.data.Delete(s);
    }
    return e;
  };
  if (!old.segments.empty()) {
    moved.segments.clear();
    Digest md5 = Digest::Md5();
    uint64_t offset = 0;
    for (const Segment& s : old.segments) {
      auto params = NewWriteParams(svc, bucket, key, storage_class, s.size);
      if (!params.ok()) return discard(params.status());
      ObjectSource source(svc.data, old, offset, s.size, bucket + "/" + key);
      PacedSource paced(source, bytes_per_second);
      bool degraded = false;
      auto written = svc.data.Write(params.value(), paced, &md5, &degraded);
      if (!written.ok()) return discard(written.status());
      if (written->size != s.size) {
        moved.segments.push_back(std::move(written.value()));
        return discard(Status::Corruption("re-encoded " + std::to_string(moved.segments.back().size) +
                                          " bytes of a " + std::to_string(s.size) + "-byte segment"));
      }
      if (degraded) repair.push_back(written->data_id);
      moved.segments.push_back(std::move(written.value()));
      offset += s.size;
    }
    // A single-part object's ETag is its MD5: the copy must hash to it.
    if (old.parts_count == 0 && old.etag.find('-') == std::string::npos &&
        HexEncode(md5.Finish()) != old.etag) {
      return discard(Status::Corruption("re-encoded data of " + bucket + "/" + key +
                                        " does not match its ETag"));
    }
    *bytes = offset;
  }
  Txn txn;
  txn.Require(version.meta_key, TxnCondition::kValueEquals, version.raw);
  txn.Put(version.meta_key, Encode(moved));
  for (const auto& id : repair) txn.Put(keys::Repair(id), version.meta_key);
  FreeReplaced(svc, txn, old);
  Status st = svc.meta.Commit(txn);
  if (st.IsOutcomeUnknown()) {
    LogWarn("lifecycle", "transition of " + bucket + "/" + key + ": " + st.ToString() +
                             "; its new shards stay (the scrubber removes them if unused)");
    return st;
  }
  if (!st.ok()) return discard(st);
  return Status::Ok();
}

}  // namespace cairn
