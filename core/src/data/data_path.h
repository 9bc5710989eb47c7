// DataPath: writes object bytes as erasure-coded, checksummed shards on drives chosen by the
// placement policy, and reads them back, reconstructing from parity when shards are missing
// or corrupt. It never touches metadata: the caller publishes the returned Segment in one
// metadata transaction (nothing is visible before), and deletes the shards of segments it
// replaces. Thread-safe.
#pragma once

#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <tuple>

#include "cairn/codec.h"
#include "cairn/transport.h"
#include "data/payload_source.h"
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
  uint32_t block_size = 1 << 20;
  uint64_t chunk_size = 64ull << 20;
};

class DataPath {
 public:
  // codecs: stable name -> codec; all must outlive the DataPath.
  DataPath(Transport& transport, std::map<std::string, Codec*> codecs, policy::PlacementPolicy& placement)
      : transport_(transport), codecs_(std::move(codecs)), placement_(placement) {}

  // Streams `src` to shards; `md5` (optional) receives every payload byte.
  Result<Segment> Write(const WriteParams& params, PayloadSource& src, Digest* md5);
  // Streams [offset, offset+length) of the segment into sink, verifying every block it reads.
  // `what` names the object in logs.
  Status Read(const Segment& segment, uint64_t offset, uint64_t length, const PayloadSink& sink,
              const std::string& what);
  // Removes the segment's shard files, best effort: leftovers are orphans for the scrubber.
  void Delete(const Segment& segment);

  static std::string ShardName(const std::string& data_id, size_t chunk, size_t shard);

 private:
  Result<const ErasureCoder*> Coder(const std::string& codec, uint32_t k, uint32_t m);
  Result<std::vector<std::string>> Place(const WriteParams& params, uint32_t chunk);
  // Reads the stripe's blocks `first..last` (data block indexes) into `blocks`, reconstructing
  // when needed. blocks has k+m buffers of block_size bytes.
  Status ReadStripe(const Segment& seg, size_t chunk, uint64_t stripe, uint32_t first,
                    uint32_t last, std::vector<std::string>& blocks, const std::string& what);

  Transport& transport_;
  std::map<std::string, Codec*> codecs_;
  policy::PlacementPolicy& placement_;
  std::mutex coders_mutex_;
  std::map<std::tuple<std::string, uint32_t, uint32_t>, std::unique_ptr<ErasureCoder>> coders_;
};

}  // namespace cairn
