// DeferredFree: frees the shards of object versions that an overwrite or a delete left
// unreferenced -- not at once, since a GET that loaded the old record just before the change
// may still be reading them, but storage.free_delay_seconds later.
//
// The metadata change and the entry "g/<due>/<data id>" (a GarbageRecord holding the
// version's segments; keys.h) are one transaction, so the shards are neither freed early nor
// forgotten, whatever crashes. A pass (every gateway runs them; they race harmlessly) frees
// each entry that is due and has no unexpired read lease (read_leases.h): the shards first,
// then the entry, conditionally -- a crash in between leaves the entry, and the next pass frees
// the remaining shards. A shard that cannot be removed (a drive away) is left for the
// scrubber's orphan collection, which leaves the shards of pending entries and of leased
// versions alone: those are the deferred free's. Passes also delete expired leases, left by
// readers that ended without deleting theirs (a gateway that died).
//
// Parts of multipart uploads in progress are not readable (GET and copies read objects only),
// so replaced or aborted parts are still freed at once, without an entry.
// Thread-safe.
#pragma once

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "cairn/meta_store.h"
#include "data/data_path.h"

namespace cairn {

class DeferredFree {
 public:
  // Adds to `txn` the deferred free of an object version's `segments`, due at `due_ms` (wall
  // clock). Nothing for no segments: an inline object has no shards.
  static void Schedule(Txn& txn, const std::vector<Segment>& segments, int64_t due_ms);

  DeferredFree(MetaStore& meta, DataPath& data) : meta_(meta), data_(data) {}
  ~DeferredFree();  // stops the passes

  // Runs a pass every `period` on a thread of its own.
  void Start(std::chrono::milliseconds period);
  void Stop();

  struct PassReport {
    uint64_t freed = 0;           // entries whose shards were removed and which are gone
    uint64_t postponed = 0;       // due entries of versions under an unexpired read lease
    uint64_t leases_removed = 0;  // expired leases deleted
  };
  // One pass as of `now_ms` (wall clock): deletes the leases expired by then, and frees the
  // entries due by then without an unexpired lease.
  Result<PassReport> RunOnce(int64_t now_ms);

 private:
  // Frees one due entry's shards, then the entry (conditionally), unless `leased` holds it off.
  void FreeIfDue(const KeyValue& kv, const std::map<std::string, int64_t>& leased,
                 PassReport* report);

  MetaStore& meta_;
  DataPath& data_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stop_ = false;
  std::thread thread_;
};

}  // namespace cairn
