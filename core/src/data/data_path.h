// DataPath: writes object bytes as erasure-coded, checksummed shards on drives chosen by the
// placement policy, and reads them back, reconstructing from parity when shards are missing
// or corrupt. It never touches metadata: the caller publishes the returned Segment in one
// metadata transaction (nothing is visible before), and frees the shards of segments it
// replaces (of objects: later, by the deferred free of durability/deferred_free.h, which waits
// for the reads that register through the ReadRegistry set here). Thread-safe.
#pragma once

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "cairn/codec.h"
#include "cairn/transport.h"
#include "data/payload_source.h"
#include "data/read_registry.h"
#include "meta/records.h"
#include "policy/placement_policy.h"
#include "util/digest.h"

namespace cairn {

struct WriteParams {
  std::string bucket;
  std::string key;
  std::string storage_class;
  uint64_t expected_size = 0;  // a hint for the placement policy
  std::string codec;           // plugin stable name, e.g. "isal-rs/1"
  uint32_t k = 6;
  uint32_t m = 3;
  uint32_t quorum = 7;  // shards per chunk that must be durable (k <= quorum <= k+m)
  uint32_t block_size = 1 << 20;
  uint64_t chunk_size = 64ull << 20;
};

class DataPath {
 public:
  // codecs: stable name -> codec; all must outlive the DataPath.
  DataPath(Transport& transport, std::map<std::string, Codec*> codecs, policy::PlacementPolicy& placement)
      : transport_(transport), codecs_(std::move(codecs)), placement_(placement) {}
  // Waits for hedged reads still running (they use the transport).
  ~DataPath();

  // Hedged reads: when a GET reads a whole stripe of large blocks and some block has not
  // arrived after `after`, parity blocks are read too and the stripe is decoded from the first
  // k that arrive, so one slow drive or node does not set the latency. 0 disables it.
  void set_hedge_after(std::chrono::milliseconds after) { hedge_after_ = after; }

  // Who must hear of reads of object versions (ReadObjectRange, ObjectSource), so that the
  // shards of a replaced version outlive its readers. Null (the default): nobody. Not owned;
  // REQUIRES: it outlives its use here (unset it before destroying it).
  void set_read_registry(ReadRegistry* registry) { read_registry_.store(registry); }
  ReadRegistry* read_registry() const { return read_registry_.load(); }

  // Streams `src` to shards; `md5` (optional) receives every payload byte. A chunk succeeds
  // when at least params.quorum of its shards are durable; *degraded (optional) is set when
  // some shard is missing, and the caller must queue the segment for repair.
  Result<Segment> Write(const WriteParams& params, PayloadSource& src, Digest* md5,
                        bool* degraded = nullptr);
  // Streams [offset, offset+length) of the segment into sink, verifying every block it reads.
  // `what` names the object in logs.
  Status Read(const Segment& segment, uint64_t offset, uint64_t length, const PayloadSink& sink,
              const std::string& what);
  // Removes the segment's shard files, best effort: leftovers are orphans for the scrubber.
  void Delete(const Segment& segment);

  struct RepairReport {
    uint64_t shards_checked = 0;
    uint64_t shards_repaired = 0;
    uint64_t bytes_verified = 0;
    uint32_t chunks_lost = 0;  // chunks with a stripe of fewer than k good blocks
    bool relocated = false;    // a shard moved to another drive: *segment changed
    std::vector<std::string> errors;  // chunks that could not be rewritten (e.g. I/O errors)
  };
  // Checks every shard of the segment -- with `verify`, by reading and checksumming every
  // block; otherwise by its presence and size -- and rebuilds the missing or corrupt ones from
  // the survivors, onto the same drive when it is healthy, else onto another healthy drive not
  // already holding a shard of the chunk (updating segment->chunks[].drives). `throttle` is
  // called with the bytes about to be read (the scrubber's rate limit). `what` names the
  // object in logs.
  Result<RepairReport> Repair(Segment* segment, bool verify,
                              const std::function<void(uint64_t)>& throttle,
                              const std::string& what);

  // Copies shard `shard` of chunk `chunk` to drive `to` under the same name, reading and
  // verifying every block on the way (a bad block fails the copy: the scrubber repairs it,
  // a copy never spreads corruption). The segment is unchanged: the caller records the new
  // drive. `throttle` is called with the bytes about to be read. Returns the bytes copied.
  Result<uint64_t> CopyShard(const Segment& segment, size_t chunk, uint32_t shard,
                             const std::string& to, const std::function<void(uint64_t)>& throttle);

  Status RemoveShard(const ShardRef& ref) { return transport_.Remove(ref); }

  // The drives the transport serves, with their health.
  Status Drives(std::vector<DriveInfo>* out) { return transport_.Drives(out); }

  static std::string ShardName(const std::string& data_id, size_t chunk, size_t shard);

 private:
  Result<const ErasureCoder*> Coder(const std::string& codec, uint32_t k, uint32_t m);
  Result<std::vector<std::string>> Place(const WriteParams& params, uint32_t chunk);
  // Reads the stripe's blocks `first..last` (data block indexes) into `blocks`, reconstructing
  // when needed. blocks has k+m buffers of block_size bytes.
  Status ReadStripe(const Segment& seg, size_t chunk, uint64_t stripe, uint32_t first,
                    uint32_t last, std::vector<std::string>& blocks, const std::string& what);

  // ReadStripe's parallel path: reads data blocks `wanted` on threads of their own, hedging
  // with parity after hedge_after_; fills blocks and present with at least k good blocks, or
  // fails. Slow reads left behind finish in the background on their own buffers.
  Status ReadStripeHedged(const Segment& seg, size_t chunk, uint64_t stripe,
                          const std::vector<uint32_t>& wanted, std::vector<std::string>& blocks,
                          std::vector<uint8_t>& present, const std::string& what);

  Status RepairChunk(Segment* segment, size_t chunk, bool verify,
                     const std::function<void(uint64_t)>& throttle, const std::string& what,
                     const std::vector<DriveInfo>& drives, RepairReport* report);
  // Reads block `len` bytes plus its checksum at `offset` of a shard into out and verifies it.
  static Status ReadVerified(Transport& transport, const ShardRef& ref, uint64_t offset,
                             uint64_t len, uint8_t* out);
  // Reads and verifies block `stripe` of shard i of a chunk into out. REQUIRES: out holds
  // block_size + 32 bytes (the block is followed by its checksum while it is verified).
  Status ReadBlock(const Segment& seg, size_t chunk, uint32_t shard, uint64_t stripe, uint8_t* out);

  Transport& transport_;
  std::map<std::string, Codec*> codecs_;
  policy::PlacementPolicy& placement_;
  std::mutex coders_mutex_;
  std::map<std::tuple<std::string, uint32_t, uint32_t>, std::unique_ptr<ErasureCoder>> coders_;
  std::chrono::milliseconds hedge_after_{0};
  std::atomic<ReadRegistry*> read_registry_{nullptr};
  // Block reads running on detached threads; the destructor waits for them.
  std::mutex reads_mutex_;
  std::condition_variable reads_done_;
  size_t reads_running_ = 0;
};

}  // namespace cairn
