// The Transport conformance suite (see transport_conformance.h); engines instantiate it in
// their own test files.
#include "transport_conformance.h"

#include <atomic>
#include <ctime>
#include <random>
#include <set>
#include <thread>

namespace cairn::testing {
namespace {

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string out(n, '\0');
  for (auto& c : out) c = static_cast<char>(rng());
  return out;
}

std::vector<std::string> Names(const std::vector<ShardStat>& stats) {
  std::vector<std::string> out;
  for (const auto& s : stats) out.push_back(s.shard);
  return out;
}

TEST_P(TransportConformanceTest, DrivesAreReportedHealthyWithUniqueIds) {
  std::vector<DriveInfo> drives;
  ASSERT_TRUE(transport().Drives(&drives).ok());
  std::set<std::string> ids;
  for (const auto& d : drives) {
    EXPECT_FALSE(d.id.empty());
    EXPECT_LT(d.id.size(), 64u) << "must fit cairn_drive_info.id";
    EXPECT_FALSE(d.node.empty());
    EXPECT_FALSE(d.zone.empty());
    EXPECT_TRUE(d.healthy) << d.id;
    EXPECT_GT(d.total_bytes, 0u);
    EXPECT_LE(d.free_bytes, d.total_bytes);
    ids.insert(d.id);
  }
  EXPECT_EQ(ids.size(), drives.size());
}

TEST_P(TransportConformanceTest, WriteCommitAndReadRanges) {
  const std::string bytes = RandomBytes(100'000, 1);
  ASSERT_TRUE(WriteShard(Ref(0, "ab/ab12-c0-s3"), bytes, 7).ok());
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 0, bytes.size()), bytes);
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 12'345, 1000), bytes.substr(12'345, 1000));
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 99'990, 1000), bytes.substr(99'990))
      << "short only at the end";
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 100'000, 10), "");
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 200'000, 10), "");
  EXPECT_EQ(ReadText(Ref(0, "ab/ab12-c0-s3"), 5, 0), "");
}

TEST_P(TransportConformanceTest, EmptyShard) {
  ASSERT_TRUE(WriteShard(Ref(0, "empty"), "").ok());
  EXPECT_EQ(ReadText(Ref(0, "empty"), 0, 10), "");
  auto stat = transport().Stat(Ref(0, "empty"));
  ASSERT_TRUE(stat.ok());
  EXPECT_EQ(stat->size, 0u);
}

TEST_P(TransportConformanceTest, ShardOfTheSameNameOnTwoDrivesIsIndependent) {
  ASSERT_TRUE(WriteShard(Ref(0, "x/same"), "zero").ok());
  ASSERT_TRUE(WriteShard(Ref(1, "x/same"), "one!").ok());
  EXPECT_EQ(ReadText(Ref(0, "x/same"), 0, 10), "zero");
  EXPECT_EQ(ReadText(Ref(1, "x/same"), 0, 10), "one!");
  ASSERT_TRUE(transport().Remove(Ref(0, "x/same")).ok());
  EXPECT_EQ(ReadText(Ref(1, "x/same"), 0, 10), "one!");
}

TEST_P(TransportConformanceTest, ReadOfMissingShardIsNotFound) {
  EXPECT_TRUE(ReadShard(Ref(0, "no/such"), 0, 10).status().IsNotFound());
  EXPECT_TRUE(transport().Stat(Ref(0, "no/such")).status().IsNotFound());
}

TEST_P(TransportConformanceTest, UnknownDriveIsRefused) {
  ShardRef ref{"no-such-drive", "a"};
  EXPECT_FALSE(transport().OpenWriter(ref).ok());
  EXPECT_FALSE(ReadShard(ref, 0, 1).ok());
}

TEST_P(TransportConformanceTest, UncommittedWriterIsInvisibleAndDiscarded) {
  {
    auto writer = transport().OpenWriter(Ref(0, "pending/shard"));
    ASSERT_TRUE(writer.ok());
    const std::string bytes = "not yet";
    ASSERT_TRUE((*writer)->Append(reinterpret_cast<const uint8_t*>(bytes.data()), 7).ok());
    EXPECT_TRUE(ReadShard(Ref(0, "pending/shard"), 0, 10).status().IsNotFound());
    EXPECT_TRUE(transport().Stat(Ref(0, "pending/shard")).status().IsNotFound());
  }
  EXPECT_TRUE(ReadShard(Ref(0, "pending/shard"), 0, 10).status().IsNotFound());
  std::vector<ShardStat> all;
  ASSERT_TRUE(transport().List(Ref(0, ""), &all).ok());
  EXPECT_TRUE(all.empty());
}

TEST_P(TransportConformanceTest, CommitPublishesOnlyAtCommit) {
  auto writer = transport().OpenWriter(Ref(1, "late"));
  ASSERT_TRUE(writer.ok());
  ASSERT_TRUE((*writer)->Append(reinterpret_cast<const uint8_t*>("abc"), 3).ok());
  EXPECT_TRUE(transport().Stat(Ref(1, "late")).status().IsNotFound());
  ASSERT_TRUE((*writer)->Commit().ok());
  EXPECT_EQ(ReadText(Ref(1, "late"), 0, 10), "abc");
  writer->reset();  // destroying a committed writer keeps the shard
  EXPECT_EQ(ReadText(Ref(1, "late"), 0, 10), "abc");
}

TEST_P(TransportConformanceTest, BadNamesAreRefused) {
  const std::vector<std::string> bad = {"",
                                        "/abs",
                                        "..",
                                        "a/../b",
                                        "a/..",
                                        "a..b",
                                        "a//b",
                                        "a/",
                                        "./a",
                                        "a/./b",
                                        "A",
                                        "a b",
                                        "a\\b",
                                        "caf\xc3\xa9",
                                        "a\nb",
                                        "a:b",
                                        "a*",
                                        "%2e%2e",
                                        std::string(201, 'x'),
                                        std::string("a\0b", 3)};
  for (const auto& name : bad) {
    SCOPED_TRACE("name '" + name + "'");
    EXPECT_EQ(transport().OpenWriter(Ref(0, name)).status().code(), CAIRN_INVALID_ARGUMENT);
    EXPECT_EQ(ReadShard(Ref(0, name), 0, 1).status().code(), CAIRN_INVALID_ARGUMENT);
    EXPECT_EQ(transport().Stat(Ref(0, name)).status().code(), CAIRN_INVALID_ARGUMENT);
    EXPECT_EQ(transport().Remove(Ref(0, name)).code(), CAIRN_INVALID_ARGUMENT);
  }
  std::vector<ShardStat> out;
  EXPECT_EQ(transport().List(Ref(0, "../"), &out).code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(transport().List(Ref(0, "/"), &out).code(), CAIRN_INVALID_ARGUMENT);
}

TEST_P(TransportConformanceTest, LongestAndOddButValidNamesWork) {
  std::string longest = std::string(99, 'a') + "/" + std::string(100, 'b');
  ASSERT_EQ(longest.size(), 200u);
  for (const std::string& name :
       {longest, std::string("a.b_c-d/0.9"), std::string(".hidden"), std::string("x/y/z/w")}) {
    SCOPED_TRACE(name);
    ASSERT_TRUE(WriteShard(Ref(0, name), name).ok());
    EXPECT_EQ(ReadText(Ref(0, name), 0, 1000), name);
  }
}

TEST_P(TransportConformanceTest, RemoveMakesItNotFound) {
  ASSERT_TRUE(WriteShard(Ref(0, "r/1"), "data").ok());
  ASSERT_TRUE(transport().Remove(Ref(0, "r/1")).ok());
  EXPECT_TRUE(ReadShard(Ref(0, "r/1"), 0, 4).status().IsNotFound());
  EXPECT_TRUE(transport().Stat(Ref(0, "r/1")).status().IsNotFound());
  EXPECT_TRUE(transport().Remove(Ref(0, "r/1")).IsNotFound());
  EXPECT_TRUE(transport().Remove(Ref(0, "r")).IsNotFound()) << "a directory is not a shard";
  EXPECT_TRUE(transport().Stat(Ref(0, "r")).status().IsNotFound());
}

TEST_P(TransportConformanceTest, ListByPrefixInNameOrder) {
  for (const char* name : {"ab/2", "ab/1", "abc", "ab/x/deep", "ac/1", "b"}) {
    ASSERT_TRUE(WriteShard(Ref(0, name), name).ok());
  }
  ASSERT_TRUE(WriteShard(Ref(1, "ab/other-drive"), "x").ok());
  std::vector<ShardStat> out;
  ASSERT_TRUE(transport().List(Ref(0, "ab"), &out).ok());
  EXPECT_EQ(Names(out), (std::vector<std::string>{"ab/1", "ab/2", "ab/x/deep", "abc"}));
  out.clear();
  ASSERT_TRUE(transport().List(Ref(0, "ab/"), &out).ok());
  EXPECT_EQ(Names(out), (std::vector<std::string>{"ab/1", "ab/2", "ab/x/deep"}));
  out.clear();
  ASSERT_TRUE(transport().List(Ref(0, "ab/x/d"), &out).ok());
  EXPECT_EQ(Names(out), (std::vector<std::string>{"ab/x/deep"}));
  out.clear();
  ASSERT_TRUE(transport().List(Ref(0, ""), &out).ok());
  EXPECT_EQ(Names(out),
            (std::vector<std::string>{"ab/1", "ab/2", "ab/x/deep", "abc", "ac/1", "b"}));
  for (const auto& s : out) EXPECT_EQ(s.size, s.shard.size()) << s.shard;
  out.clear();
  ASSERT_TRUE(transport().List(Ref(0, "zz/"), &out).ok());
  EXPECT_TRUE(out.empty());
}

TEST_P(TransportConformanceTest, StatReportsSizeAndMtime) {
  ASSERT_TRUE(WriteShard(Ref(1, "s/t"), std::string(4321, 'q')).ok());
  auto stat = transport().Stat(Ref(1, "s/t"));
  ASSERT_TRUE(stat.ok()) << stat.status().ToString();
  EXPECT_EQ(stat->shard, "s/t");
  EXPECT_EQ(stat->size, 4321u);
  const int64_t now = static_cast<int64_t>(std::time(nullptr));
  EXPECT_LE(std::abs(stat->mtime_unix - now), 120);
}

TEST_P(TransportConformanceTest, ConcurrentWritersAndReaders) {
  constexpr int kThreads = 4;
  constexpr int kShardsPerThread = 20;
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kShardsPerThread; ++i) {
        const ShardRef ref = Ref(t % 2, "c/" + std::to_string(t) + "/" + std::to_string(i));
        const std::string bytes = RandomBytes(1000 + i, t * 100 + i);
        auto got = WriteShard(ref, bytes, 3).ok() ? ReadShard(ref, 0, 5000) : Status::IOError("");
        if (!got.ok() || *got != bytes) ++failures;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  std::vector<ShardStat> out;
  ASSERT_TRUE(transport().List(Ref(0, "c/"), &out).ok());
  ASSERT_TRUE(transport().List(Ref(1, "c/"), &out).ok());
  EXPECT_EQ(out.size(), static_cast<size_t>(kThreads * kShardsPerThread));
}

TEST_P(TransportConformanceTest, BrokenDriveIsUnhealthyAndUnavailable) {
  ASSERT_TRUE(WriteShard(Ref(0, "k/0"), "zero").ok());
  ASSERT_TRUE(WriteShard(Ref(1, "k/1"), "one").ok());
  GetParam().break_drive(transport(), dir_.path(), 1);
  std::vector<DriveInfo> drives;
  ASSERT_TRUE(transport().Drives(&drives).ok());
  ASSERT_EQ(drives.size(), drive_ids_.size());
  EXPECT_TRUE(drives[0].healthy);
  EXPECT_FALSE(drives[1].healthy);
  EXPECT_EQ(drives[1].id, drive_ids_[1]) << "a broken drive keeps its id in reports";
  EXPECT_EQ(transport().OpenWriter(Ref(1, "k/2")).status().code(), CAIRN_UNAVAILABLE);
  EXPECT_EQ(ReadShard(Ref(1, "k/1"), 0, 3).status().code(), CAIRN_UNAVAILABLE);
  EXPECT_EQ(transport().Stat(Ref(1, "k/1")).status().code(), CAIRN_UNAVAILABLE);
  EXPECT_EQ(transport().Remove(Ref(1, "k/1")).code(), CAIRN_UNAVAILABLE);
  std::vector<ShardStat> out;
  EXPECT_EQ(transport().List(Ref(1, ""), &out).code(), CAIRN_UNAVAILABLE);
  EXPECT_EQ(ReadText(Ref(0, "k/0"), 0, 4), "zero") << "other drives keep serving";
  EXPECT_TRUE(WriteShard(Ref(0, "k/3"), "three").ok());
}

TEST_P(PersistentTransportConformanceTest, ReopenKeepsShardsAndDriveIds) {
  ASSERT_TRUE(WriteShard(Ref(0, "p/1"), "persist").ok());
  const auto ids = drive_ids_;
  Reopen();
  std::vector<DriveInfo> drives;
  ASSERT_TRUE(transport().Drives(&drives).ok());
  ASSERT_EQ(drives.size(), ids.size());
  for (size_t i = 0; i < ids.size(); ++i) EXPECT_EQ(drives[i].id, ids[i]);
  EXPECT_EQ(ReadText(Ref(0, "p/1"), 0, 100), "persist");
}

}  // namespace
}  // namespace cairn::testing
