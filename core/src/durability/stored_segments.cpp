#include "durability/stored_segments.h"

#include "meta/keys.h"
#include "meta/records.h"

namespace cairn {
namespace {

bool IsPart(const std::string& meta_key) { return meta_key.rfind(keys::kPartFamily, 0) == 0; }

}  // namespace

Status ForEachSegment(const std::string& meta_key, const std::string& value,
                      const std::function<void(const Segment&)>& fn) {
  if (IsPart(meta_key)) {
    PartRecord p;
    CAIRN_RETURN_IF_ERROR(Decode(value, &p));
    fn(p.segment);
    return Status::Ok();
  }
  ObjectRecord o;
  CAIRN_RETURN_IF_ERROR(Decode(value, &o));
  for (const auto& s : o.segments) fn(s);
  return Status::Ok();
}

Result<StoredRepair> RepairStoredSegments(Services& svc, const std::string& meta_key,
                                          const std::string& data_id, bool verify,
                                          const std::function<void(uint64_t)>& throttle) {
  StoredRepair out;
  for (int attempt = 0; attempt < 5; ++attempt) {
    std::string raw;
    Status st = svc.meta.Get(meta_key, &raw);
    if (st.IsNotFound()) return out;
    CAIRN_RETURN_IF_ERROR(st);
    ObjectRecord object;
    PartRecord part;
    std::vector<Segment*> segments;
    if (IsPart(meta_key)) {
      CAIRN_RETURN_IF_ERROR(Decode(raw, &part));
      segments.push_back(&part.segment);
    } else {
      CAIRN_RETURN_IF_ERROR(Decode(raw, &object));
      for (auto& s : object.segments) segments.push_back(&s);
    }
    out = StoredRepair{};
    bool relocated = false;
    for (Segment* s : segments) {
      if (!data_id.empty() && s->data_id != data_id) continue;
      out.found = true;
      auto r = svc.data.Repair(s, verify, throttle, keys::Describe(meta_key));
      if (!r.ok()) return r.status();
      out.report.shards_checked += r->shards_checked;
      out.report.shards_repaired += r->shards_repaired;
      out.report.bytes_verified += r->bytes_verified;
      out.report.chunks_lost += r->chunks_lost;
      out.report.errors.insert(out.report.errors.end(), r->errors.begin(), r->errors.end());
      relocated |= r->relocated;
    }
    if (!relocated) return out;
    Txn txn;
    txn.Require(meta_key, TxnCondition::kValueEquals, raw);
    txn.Put(meta_key, IsPart(meta_key) ? Encode(part) : Encode(object));
    st = svc.meta.Commit(txn);
    if (st.ok()) {
      out.report.relocated = true;
      return out;
    }
    if (!st.IsConflict()) return st;
    // The record changed under us (overwritten, or tags edited): look again.
  }
  return Status::Conflict("the record kept changing during repair: " + meta_key);
}

}  // namespace cairn
