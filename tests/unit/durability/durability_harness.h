// DurabilityHarness: a real DataPath (ISA-L Reed-Solomon, the default placement.lua) over a
// FaultyTransport over a MemoryTransport, with small blocks and chunks so that an object of a
// few KiB already spans several stripes and chunks. Helpers write objects, read them back and
// name their shards. Not thread-safe (one test at a time).
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "data/data_path.h"
#include "faulty_transport.h"
#include "isal_codec.h"
#include "policy/placement_policy.h"
#include "transport/memory_transport.h"
#include "util/log.h"

namespace cairn::testing {

inline constexpr uint32_t kK = 6;
inline constexpr uint32_t kM = 3;
inline constexpr uint32_t kBlockSize = 4096;
inline constexpr uint64_t kStripeData = uint64_t{kK} * kBlockSize;
inline constexpr uint64_t kChunkSize = 3 * kStripeData;

// A PayloadSource over bytes, handing them out in uneven pieces like a network body does.
class BytesSource final : public PayloadSource {
 public:
  explicit BytesSource(const std::string& bytes) : bytes_(bytes) {}
  Result<size_t> Read(uint8_t* out, size_t size) override {
    size_t n = std::min({size, bytes_.size() - pos_, size_t{7001}});
    std::copy(bytes_.data() + pos_, bytes_.data() + pos_ + n, out);
    pos_ += n;
    return n;
  }

 private:
  const std::string& bytes_;
  size_t pos_ = 0;
};

class DurabilityHarness {
 public:
  explicit DurabilityHarness(size_t drive_count = kK + kM)
      : memory_(drive_count), faulty_(memory_) {
    SetLogLevel(LogLevel::kError);  // degraded reads warn by design; keep the output readable
    auto placement = policy::PlacementPolicy::Load(CAIRN_PLACEMENT_SCRIPT);
    EXPECT_TRUE(placement.ok()) << placement.status().ToString();
    placement_ = std::move(placement.value());
    data_ = std::make_unique<DataPath>(
        faulty_, std::map<std::string, Codec*>{{codec_.StableName(), &codec_}}, *placement_);
  }

  MemoryTransport& memory() { return memory_; }
  FaultyTransport& faulty() { return faulty_; }
  DataPath& data() { return *data_; }

  WriteParams Params(const std::string& key, uint64_t size, uint32_t quorum = kK + 1) const {
    WriteParams p;
    p.bucket = "bucket";
    p.key = key;
    p.storage_class = "STANDARD";
    p.expected_size = size;
    p.codec = codec_.StableName();
    p.k = kK;
    p.m = kM;
    p.quorum = quorum;
    p.block_size = kBlockSize;
    p.chunk_size = kChunkSize;
    return p;
  }

  Result<Segment> Write(const std::string& key, const std::string& bytes, bool* degraded = nullptr,
                        uint32_t quorum = kK + 1) {
    BytesSource src(bytes);
    return data_->Write(Params(key, bytes.size(), quorum), src, nullptr, degraded);
  }

  // Reads [offset, offset+length) into *out; on failure *out holds what was streamed before.
  Status Read(const Segment& seg, uint64_t offset, uint64_t length, std::string* out) {
    out->clear();
    return data_->Read(
        seg, offset, length,
        [out](const uint8_t* p, size_t n) {
          out->append(reinterpret_cast<const char*>(p), n);
          return Status::Ok();
        },
        "test-object");
  }

  Result<DataPath::RepairReport> Repair(Segment* seg, bool verify = true) {
    return data_->Repair(seg, verify, nullptr, "test-object");
  }

  static ShardRef Shard(const Segment& seg, size_t chunk, size_t i) {
    return {seg.chunks[chunk].drives[i], DataPath::ShardName(seg.data_id, chunk, i)};
  }

  // The bytes of every shard of the segment, in (chunk, shard) order; "" for a missing one.
  std::vector<std::string> ShardBytes(const Segment& seg) {
    std::vector<std::string> out;
    for (size_t c = 0; c < seg.chunks.size(); ++c) {
      for (size_t i = 0; i < seg.chunks[c].drives.size(); ++i) {
        ShardRef ref = Shard(seg, c, i);
        auto stat = memory_.Stat(ref);
        std::string bytes;
        if (stat.ok()) {
          bytes.resize(stat->size);
          auto got = memory_.Read(ref, 0, reinterpret_cast<uint8_t*>(bytes.data()), bytes.size());
          EXPECT_TRUE(got.ok()) << got.status().ToString();
        }
        out.push_back(std::move(bytes));
      }
    }
    return out;
  }

  // Shards on every drive of the memory transport whose name contains `data_id`.
  size_t ShardsOf(const std::string& data_id) {
    std::vector<DriveInfo> drives;
    EXPECT_TRUE(memory_.Drives(&drives).ok());
    size_t n = 0;
    for (const auto& d : drives) {
      std::vector<ShardStat> shards;
      EXPECT_TRUE(memory_.List({d.id, ""}, &shards).ok());
      for (const auto& s : shards) {
        n += data_id.empty() || s.shard.find(data_id) != std::string::npos;
      }
    }
    return n;
  }
  size_t AllShards() { return ShardsOf(""); }

  std::vector<std::string> DriveIds() {
    std::vector<DriveInfo> drives;
    EXPECT_TRUE(memory_.Drives(&drives).ok());
    std::vector<std::string> ids;
    for (const auto& d : drives) ids.push_back(d.id);
    return ids;
  }

 private:
  MemoryTransport memory_;
  FaultyTransport faulty_;
  codec::IsalCodec codec_;
  std::unique_ptr<policy::PlacementPolicy> placement_;
  std::unique_ptr<DataPath> data_;
};

inline std::string RandomBytes(std::mt19937_64& rng, size_t size) {
  std::string s(size, '\0');
  for (auto& c : s) c = static_cast<char>(rng());
  return s;
}

// Object sizes worth testing: the edges of blocks, stripes and chunks, and random ones up to
// three chunks.
inline std::vector<uint64_t> InterestingSizes(std::mt19937_64& rng, size_t random_count) {
  std::vector<uint64_t> sizes = {0, 1, kK - 1, kK, kK + 1, kBlockSize};
  for (uint64_t edge : {kStripeData, kChunkSize}) {
    sizes.insert(sizes.end(), {edge - 1, edge, edge + 1});
  }
  sizes.insert(sizes.end(), {2 * kChunkSize + kStripeData / 2, 3 * kChunkSize});
  std::uniform_int_distribution<uint64_t> any(0, 3 * kChunkSize);
  for (size_t i = 0; i < random_count; ++i) sizes.push_back(any(rng));
  return sizes;
}

}  // namespace cairn::testing
