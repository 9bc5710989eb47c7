// Reads and repairs under shard faults, on many random objects spanning stripes and chunks:
// with at most m lost or corrupt shards per chunk a read returns the exact bytes and
// Repair(verify) restores every shard bit for bit; with m+1 a read fails -- never wrong bytes --
// and Repair reports the chunk lost while still mending the other chunks.
#include <gtest/gtest.h>

#include <algorithm>
#include <numeric>
#include <random>
#include <string>
#include <vector>

#include "durability_harness.h"

namespace cairn::testing {
namespace {

enum class Fault { kDrop, kTruncate, kFlipBit, kUnreadable };

const char* Name(Fault f) {
  switch (f) {
    case Fault::kDrop:
      return "drop";
    case Fault::kTruncate:
      return "truncate";
    case Fault::kFlipBit:
      return "flip-bit";
    case Fault::kUnreadable:
      return "unreadable";
  }
  return "?";
}

void Inject(DurabilityHarness& h, const ShardRef& ref, Fault fault, std::mt19937_64& rng) {
  FaultyTransport& t = h.faulty();
  switch (fault) {
    case Fault::kDrop:
      ASSERT_TRUE(t.Drop(ref).ok());
      return;
    case Fault::kTruncate: {
      auto stat = h.memory().Stat(ref);
      ASSERT_TRUE(stat.ok());
      ASSERT_TRUE(t.Truncate(ref, rng() % stat->size).ok());
      return;
    }
    case Fault::kFlipBit:
      ASSERT_TRUE(t.FlipBit(ref, rng(), static_cast<int>(rng() % 8)).ok());
      return;
    case Fault::kUnreadable:
      t.MakeUnreadable(ref);
      return;
  }
}

// Picks `count` distinct shards of k+m, always including `must` when it is not -1.
std::vector<uint32_t> PickShards(std::mt19937_64& rng, uint32_t count, int must = -1) {
  std::vector<uint32_t> all(kK + kM);
  std::iota(all.begin(), all.end(), 0);
  std::shuffle(all.begin(), all.end(), rng);
  if (must >= 0) {
    std::iter_swap(all.begin(), std::find(all.begin(), all.end(), static_cast<uint32_t>(must)));
  }
  all.resize(count);
  return all;
}

// Faults `count` shards of the chunk; returns a description for failure messages.
std::string Damage(DurabilityHarness& h, const Segment& seg, size_t chunk, uint32_t count,
                   std::mt19937_64& rng, int must = -1) {
  std::string what;
  for (uint32_t i : PickShards(rng, count, must)) {
    Fault f = static_cast<Fault>(rng() % 4);
    Inject(h, DurabilityHarness::Shard(seg, chunk, i), f, rng);
    what += " c" + std::to_string(chunk) + ".s" + std::to_string(i) + ":" + Name(f);
  }
  return what;
}

// Makes the whole shard useless -- every stripe of it -- rather than one block: gone,
// unreadable, cut inside its first block, or a bit flipped in every block.
void Destroy(DurabilityHarness& h, const Segment& seg, size_t chunk, uint32_t i,
             std::mt19937_64& rng, std::string* what) {
  const ShardRef ref = DurabilityHarness::Shard(seg, chunk, i);
  auto stat = h.memory().Stat(ref);
  ASSERT_TRUE(stat.ok());
  const uint64_t record = kBlockSize + 32;  // one block and its SHA-256
  switch (rng() % 4) {
    case 0:
      ASSERT_TRUE(h.faulty().Drop(ref).ok());
      *what += " c" + std::to_string(chunk) + ".s" + std::to_string(i) + ":drop";
      return;
    case 1:
      h.faulty().MakeUnreadable(ref);
      *what += " c" + std::to_string(chunk) + ".s" + std::to_string(i) + ":unreadable";
      return;
    case 2:
      ASSERT_TRUE(h.faulty().Truncate(ref, rng() % std::min(stat->size, record)).ok());
      *what += " c" + std::to_string(chunk) + ".s" + std::to_string(i) + ":truncate-all";
      return;
    default:
      for (uint64_t off = 0; off < stat->size; off += record) {
        uint64_t len = std::min(record, stat->size - off);
        ASSERT_TRUE(h.faulty().FlipBit(ref, off + rng() % len, static_cast<int>(rng() % 8)).ok());
      }
      *what += " c" + std::to_string(chunk) + ".s" + std::to_string(i) + ":flip-every-block";
      return;
  }
}

void ExpectExactReads(DurabilityHarness& h, const Segment& seg, const std::string& data,
                      std::mt19937_64& rng, const std::string& context) {
  std::string got;
  Status st = h.Read(seg, 0, data.size(), &got);
  ASSERT_TRUE(st.ok()) << context << ": " << st.ToString();
  ASSERT_TRUE(got == data) << context << ": full read returned wrong bytes";
  for (int r = 0; r < 4 && !data.empty(); ++r) {
    uint64_t off = rng() % data.size();
    uint64_t len = 1 + rng() % (data.size() - off);
    st = h.Read(seg, off, len, &got);
    ASSERT_TRUE(st.ok()) << context << " range " << off << "+" << len << ": " << st.ToString();
    ASSERT_TRUE(got == data.substr(off, len)) << context << " range " << off << "+" << len;
  }
}

TEST(DegradedReadRepair, UpToMFaultsPerChunkReadExactAndRepairRestoresEveryShard) {
  std::mt19937_64 rng(20240601);
  DurabilityHarness h;
  int object = 0;
  for (uint64_t size : InterestingSizes(rng, 30)) {
    std::string data = RandomBytes(rng, size);
    auto seg = h.Write("obj-" + std::to_string(object), data);
    ASSERT_TRUE(seg.ok()) << seg.status().ToString();
    ASSERT_EQ(seg->chunks.size(), (size + kChunkSize - 1) / kChunkSize);
    const std::vector<std::string> pristine = h.ShardBytes(*seg);

    // Every chunk gets its own number of faults, m included, in any mix of kinds.
    std::string context = "object " + std::to_string(object) + " size " + std::to_string(size);
    uint32_t faults = 0;
    for (size_t c = 0; c < seg->chunks.size(); ++c) {
      uint32_t count = (object + c) % (kM + 1);
      context += Damage(h, *seg, c, count, rng);
      faults += count;
    }
    ExpectExactReads(h, *seg, data, rng, context);

    Segment before = *seg;
    auto report = h.Repair(&seg.value());
    ASSERT_TRUE(report.ok()) << context << ": " << report.status().ToString();
    EXPECT_EQ(report->chunks_lost, 0u) << context;
    EXPECT_EQ(report->shards_repaired, faults) << context;
    EXPECT_FALSE(report->relocated) << context << ": every drive is healthy";
    EXPECT_EQ(seg->chunks.size(), before.chunks.size());
    EXPECT_TRUE(h.ShardBytes(*seg) == pristine) << context << ": rebuilt shards differ";

    auto again = h.Repair(&seg.value());
    ASSERT_TRUE(again.ok()) << again.status().ToString();
    EXPECT_EQ(again->shards_repaired, 0u) << context << ": second repair found work";
    EXPECT_EQ(again->shards_checked, seg->chunks.size() * (kK + kM));
    ExpectExactReads(h, *seg, data, rng, context + " (after repair)");
    ++object;
  }
}

TEST(DegradedReadRepair, MoreThanMFaultsFailTheReadAndAreReportedLost) {
  std::mt19937_64 rng(7);
  DurabilityHarness h;
  int object = 0;
  for (uint64_t size : InterestingSizes(rng, 16)) {
    if (size == 0) continue;
    std::string data = RandomBytes(rng, size);
    auto seg = h.Write("lost-" + std::to_string(object), data);
    ASSERT_TRUE(seg.ok()) << seg.status().ToString();
    const size_t chunks = seg->chunks.size();
    const size_t doomed = rng() % chunks;
    // Shard 0 holds the first bytes of every stripe, so a full read needs it whatever the size.
    std::string context = "object " + std::to_string(object) + " size " + std::to_string(size);
    for (uint32_t i : PickShards(rng, kM + 1, /*must=*/0)) {
      Destroy(h, *seg, doomed, i, rng, &context);
    }
    uint32_t mendable = 0;
    for (size_t c = 0; c < chunks; ++c) {
      if (c == doomed) continue;
      uint32_t count = 1 + rng() % kM;
      context += Damage(h, *seg, c, count, rng);
      mendable += count;
    }

    std::string got;
    Status st = h.Read(*seg, 0, size, &got);
    EXPECT_FALSE(st.ok()) << context << ": read succeeded with m+1 shards of a chunk lost"
                          << (got == data ? " (right bytes)" : " (WRONG BYTES)");
    // What was streamed before the failure is the object's own prefix, up to the lost chunk.
    EXPECT_LE(got.size(), doomed * kChunkSize) << context;
    EXPECT_LT(got.size(), size) << context;
    EXPECT_TRUE(data.compare(0, got.size(), got) == 0) << context << ": streamed wrong bytes";

    auto report = h.Repair(&seg.value());
    ASSERT_TRUE(report.ok()) << context << ": " << report.status().ToString();
    EXPECT_EQ(report->chunks_lost, 1u) << context;
    EXPECT_EQ(report->shards_repaired, mendable) << context;

    // The other chunks read back exactly; the lost one keeps failing.
    for (size_t c = 0; c < chunks; ++c) {
      uint64_t off = c * kChunkSize;
      uint64_t len = std::min<uint64_t>(kChunkSize, size - off);
      st = h.Read(*seg, off, len, &got);
      if (c == doomed) {
        EXPECT_FALSE(st.ok()) << context << " chunk " << c;
      } else {
        ASSERT_TRUE(st.ok()) << context << " chunk " << c << ": " << st.ToString();
        EXPECT_TRUE(got == data.substr(off, len)) << context << " chunk " << c;
      }
    }
    ++object;
  }
}

TEST(DegradedReadRepair, RepairWithoutVerifyFindsMissingAndShortShards) {
  std::mt19937_64 rng(3);
  DurabilityHarness h;
  std::string data = RandomBytes(rng, kChunkSize + 5000);
  auto seg = h.Write("presence", data);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  const auto pristine = h.ShardBytes(*seg);
  ASSERT_TRUE(h.faulty().Drop(DurabilityHarness::Shard(*seg, 0, 2)).ok());
  ASSERT_TRUE(h.faulty().Truncate(DurabilityHarness::Shard(*seg, 1, 7), 10).ok());
  auto report = h.Repair(&seg.value(), /*verify=*/false);
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->shards_repaired, 2u);
  EXPECT_EQ(report->bytes_verified, 0u);
  EXPECT_TRUE(h.ShardBytes(*seg) == pristine);
}

// Latent sector errors scattered over more than m shards of a chunk, but at most m per stripe:
// every stripe is still decodable, so the read is exact and a repair must rebuild every block
// rather than give the chunk up (Repair decides per shard today: see the durability report).
TEST(DegradedReadRepair, ScatteredCorruptionOverMoreThanMShardsIsStillRepairable) {
  std::mt19937_64 rng(13);
  DurabilityHarness h;
  std::string data = RandomBytes(rng, kChunkSize);  // one chunk of three full stripes
  auto seg = h.Write("scattered", data);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  const auto pristine = h.ShardBytes(*seg);
  const uint64_t record = kBlockSize + 32;
  // Stripe s loses its block on shards 2s and 2s+1: six shards hurt, two blocks per stripe.
  for (uint32_t s = 0; s < 3; ++s) {
    for (uint32_t i : {2 * s, 2 * s + 1}) {
      ASSERT_TRUE(h.faulty().FlipBit(DurabilityHarness::Shard(*seg, 0, i), s * record + 100).ok());
    }
  }
  ExpectExactReads(h, *seg, data, rng, "two bad blocks per stripe");
  auto report = h.Repair(&seg.value());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(report->chunks_lost, 0u)
      << "every stripe has k good blocks, yet the chunk is declared lost";
  EXPECT_TRUE(h.ShardBytes(*seg) == pristine) << "the bad blocks were not rebuilt";
}

// A dead drive: the rebuilt shard moves to a healthy drive that holds no shard of the chunk,
// and the segment records the move.
TEST(DegradedReadRepair, RepairRelocatesShardsOfADeadDrive) {
  std::mt19937_64 rng(11);
  DurabilityHarness h(/*drive_count=*/12);
  std::string data = RandomBytes(rng, 2 * kChunkSize + 77);
  auto seg = h.Write("relocate", data);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  const auto pristine = h.ShardBytes(*seg);
  const std::string dead = seg->chunks[0].drives[4];
  size_t on_dead = 0;  // 9 of 12 drives per chunk: the dead one may hold no shard of a chunk
  for (const auto& chunk : seg->chunks) {
    on_dead += std::count(chunk.drives.begin(), chunk.drives.end(), dead);
  }
  h.memory().SetHealthy(dead, false);
  ExpectExactReads(h, *seg, data, rng, "dead drive " + dead);

  auto report = h.Repair(&seg.value());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_TRUE(report->relocated);
  EXPECT_EQ(report->chunks_lost, 0u);
  size_t held = 0;
  for (const auto& chunk : seg->chunks) {
    held += std::count(chunk.drives.begin(), chunk.drives.end(), dead);
    std::vector<std::string> unique(chunk.drives);
    std::sort(unique.begin(), unique.end());
    EXPECT_EQ(std::unique(unique.begin(), unique.end()), unique.end())
        << "two shards of a chunk on one drive";
  }
  EXPECT_EQ(held, 0u) << "the new layout still names the dead drive";
  EXPECT_EQ(report->shards_repaired, on_dead);
  EXPECT_TRUE(h.ShardBytes(*seg) == pristine) << "relocated shards differ";
  ExpectExactReads(h, *seg, data, rng, "after relocation");
  auto again = h.Repair(&seg.value());
  ASSERT_TRUE(again.ok());
  EXPECT_EQ(again->shards_repaired, 0u);
}

}  // namespace
}  // namespace cairn::testing
