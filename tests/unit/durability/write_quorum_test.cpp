// Writes under failing drives: a write stands when at least `quorum` shards of every chunk are
// durable (then *degraded says repair is due, and Repair completes it once the drives are
// back), and fails with Unavailable leaving no shard behind when fewer are. Drives fail at
// open (full or gone), in the middle of the data, or at commit, from the first chunk or only
// from a later one.
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <tuple>
#include <vector>

#include "durability_harness.h"

namespace cairn::testing {
namespace {

using WF = FaultyTransport::WriteFault;

const char* Name(WF where) {
  switch (where) {
    case WF::kAtOpen:
      return "open";
    case WF::kAtAppend:
      return "append";
    case WF::kAtCommit:
      return "commit";
  }
  return "?";
}

// An object of three chunks, the last one short.
constexpr uint64_t kObjectSize = 2 * kChunkSize + kStripeData + 123;
constexpr size_t kChunks = 3;

class WriteQuorum : public ::testing::TestWithParam<std::tuple<WF, cairn_code>> {};

TEST_P(WriteQuorum, RefusingDrivesDegradeTheWriteUntilTheQuorumIsLost) {
  const auto [where, code] = GetParam();
  std::mt19937_64 rng(static_cast<uint64_t>(where) * 10 + code);
  for (uint32_t refusing = 1; refusing <= kM; ++refusing) {
    for (uint32_t quorum : {kK, kK + 1, kK + kM}) {
      DurabilityHarness h;
      std::vector<std::string> drives = h.DriveIds();
      std::shuffle(drives.begin(), drives.end(), rng);
      drives.resize(refusing);
      for (const auto& d : drives) h.faulty().RefuseWrites(d, where, code);
      const std::string context = std::string("fault at ") + Name(where) + ", " +
                                  std::to_string(refusing) + " drives refusing, quorum " +
                                  std::to_string(quorum);
      std::string data = RandomBytes(rng, kObjectSize);
      bool degraded = false;
      auto seg = h.Write("q", data, &degraded, quorum);

      if (kK + kM - refusing < quorum) {
        ASSERT_FALSE(seg.ok()) << context << ": the write succeeded below its quorum";
        EXPECT_EQ(seg.status().code(), CAIRN_UNAVAILABLE)
            << context << ": " << seg.status().ToString();
        EXPECT_EQ(h.AllShards(), 0u) << context << ": a failed write left shards behind";
        continue;
      }
      ASSERT_TRUE(seg.ok()) << context << ": " << seg.status().ToString();
      EXPECT_TRUE(degraded) << context;
      ASSERT_EQ(seg->chunks.size(), kChunks);
      // k+m = 9 drives: every chunk has a shard on every drive, so each refusing one lacks
      // one shard per chunk.
      EXPECT_EQ(h.ShardsOf(seg->data_id), kChunks * (kK + kM - refusing)) << context;
      std::string got;
      Status st = h.Read(*seg, 0, data.size(), &got);
      ASSERT_TRUE(st.ok()) << context << ": " << st.ToString();
      EXPECT_TRUE(got == data) << context << ": degraded write reads back wrong";

      // While the drives still refuse, repair cannot finish; once they accept it does.
      h.faulty().AcceptAllWrites();
      auto report = h.Repair(&seg.value(), /*verify=*/false);
      ASSERT_TRUE(report.ok()) << context << ": " << report.status().ToString();
      EXPECT_EQ(report->shards_repaired, kChunks * refusing) << context;
      EXPECT_EQ(report->chunks_lost, 0u);
      EXPECT_EQ(h.ShardsOf(seg->data_id), kChunks * (kK + kM)) << context;
      auto verified = h.Repair(&seg.value(), /*verify=*/true);
      ASSERT_TRUE(verified.ok());
      EXPECT_EQ(verified->shards_repaired, 0u) << context << ": rebuilt shards do not verify";
    }
  }
}

INSTANTIATE_TEST_SUITE_P(Faults, WriteQuorum,
                         ::testing::Combine(::testing::Values(WF::kAtOpen, WF::kAtAppend,
                                                              WF::kAtCommit),
                                            ::testing::Values(CAIRN_NO_SPACE, CAIRN_UNAVAILABLE)),
                         [](const auto& info) {
                           return std::string(Name(std::get<0>(info.param))) +
                                  (std::get<1>(info.param) == CAIRN_NO_SPACE ? "_NoSpace"
                                                                             : "_Unavailable");
                         });

TEST(WriteQuorumEdges, AHealthyWriteIsNotDegraded) {
  DurabilityHarness h;
  std::mt19937_64 rng(1);
  bool degraded = true;
  auto seg = h.Write("whole", RandomBytes(rng, kObjectSize), &degraded);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  EXPECT_FALSE(degraded);
  EXPECT_EQ(h.ShardsOf(seg->data_id), kChunks * (kK + kM));
}

// The quorum is lost only in a later chunk: the chunks already committed must go too.
TEST(WriteQuorumEdges, QuorumLostInALaterChunkRemovesTheEarlierChunks) {
  for (WF where : {WF::kAtOpen, WF::kAtAppend, WF::kAtCommit}) {
    DurabilityHarness h;
    std::mt19937_64 rng(2);
    std::vector<std::string> drives = h.DriveIds();
    for (uint32_t i = 0; i < kM; ++i) {
      h.faulty().RefuseWrites(drives[i * 2], where, CAIRN_NO_SPACE, "/c1.");
    }
    bool degraded = false;
    auto seg = h.Write("late", RandomBytes(rng, kObjectSize), &degraded);
    ASSERT_FALSE(seg.ok()) << Name(where) << ": 6 of 9 shards of chunk 1 cannot meet quorum 7";
    EXPECT_EQ(seg.status().code(), CAIRN_UNAVAILABLE) << seg.status().ToString();
    EXPECT_EQ(h.AllShards(), 0u) << Name(where) << ": chunk 0's shards were left behind";
    EXPECT_GT(h.faulty().writers_opened(), kK + kM) << "chunk 0 was written before the failure";
  }
}

// Unhealthy drives (as the transport reports them): placement falls back to all drives while a
// quorum of healthy ones remains, so the write degrades instead of failing; below the quorum
// it is refused before any shard is written.
TEST(WriteQuorumEdges, UnhealthyDrivesDegradeThenRefuseTheWrite) {
  for (uint32_t sick = 1; sick <= kM; ++sick) {
    DurabilityHarness h;
    std::mt19937_64 rng(sick);
    std::vector<std::string> drives = h.DriveIds();
    for (uint32_t i = 0; i < sick; ++i) h.memory().SetHealthy(drives[8 - i], false);
    std::string data = RandomBytes(rng, kObjectSize);
    bool degraded = false;
    auto seg = h.Write("sick", data, &degraded);
    if (sick > kM - 1) {  // 9 - 3 = 6 healthy < quorum 7
      ASSERT_FALSE(seg.ok());
      EXPECT_EQ(seg.status().code(), CAIRN_UNAVAILABLE) << seg.status().ToString();
      EXPECT_EQ(h.faulty().writers_opened(), 0u) << "shards were written for a hopeless write";
      for (uint32_t i = 0; i < sick; ++i) h.memory().SetHealthy(drives[8 - i], true);
      EXPECT_EQ(h.AllShards(), 0u);
      continue;
    }
    ASSERT_TRUE(seg.ok()) << sick << " sick: " << seg.status().ToString();
    EXPECT_TRUE(degraded);
    std::string got;
    ASSERT_TRUE(h.Read(*seg, 0, data.size(), &got).ok());
    EXPECT_TRUE(got == data);
    for (uint32_t i = 0; i < sick; ++i) h.memory().SetHealthy(drives[8 - i], true);
    auto report = h.Repair(&seg.value());
    ASSERT_TRUE(report.ok()) << report.status().ToString();
    EXPECT_EQ(report->shards_repaired, kChunks * sick);
    EXPECT_FALSE(report->relocated) << "the drives came back: shards belong where placed";
  }
}

// Repair while the drive still refuses: it must fail (or report) without damaging anything,
// and succeed later.
TEST(WriteQuorumEdges, RepairOntoAStillFullDriveFailsCleanly) {
  DurabilityHarness h;
  std::mt19937_64 rng(5);
  const std::string full = h.DriveIds()[3];
  h.faulty().RefuseWrites(full, WF::kAtOpen, CAIRN_NO_SPACE);
  std::string data = RandomBytes(rng, kObjectSize);
  bool degraded = false;
  auto seg = h.Write("full", data, &degraded);
  ASSERT_TRUE(seg.ok()) << seg.status().ToString();
  ASSERT_TRUE(degraded);
  auto report = h.Repair(&seg.value());
  EXPECT_FALSE(report.ok() && report->shards_repaired == kChunks)
      << "repair claims to have written onto a full drive";
  std::string got;
  ASSERT_TRUE(h.Read(*seg, 0, data.size(), &got).ok());
  EXPECT_TRUE(got == data);
  h.faulty().AcceptAllWrites();
  report = h.Repair(&seg.value());
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  EXPECT_EQ(h.ShardsOf(seg->data_id), kChunks * (kK + kM));
}

}  // namespace
}  // namespace cairn::testing
