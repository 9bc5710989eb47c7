// Hedged reads: with one drive answering slowly, a GET of whole stripes of large blocks
// decodes from parity instead of waiting for it, returns exact bytes, and leaves the slow
// reads to finish on their own buffers. Partial reads and hedge_after = 0 wait instead.
#include <gtest/gtest.h>

#include <chrono>

#include "durability_harness.h"

namespace cairn::testing {
namespace {

using Clock = std::chrono::steady_clock;
constexpr uint32_t kLargeBlock = 256 << 10;  // above the parallel-read threshold

class HedgedReadTest : public ::testing::Test {
 protected:
  // 4 stripes of 6 x 256 KiB, one chunk.
  Segment WriteLarge(const std::string& bytes) {
    WriteParams p = h_.Params("large", bytes.size());
    p.block_size = kLargeBlock;
    p.chunk_size = 64ull << 20;
    BytesSource src(bytes);
    auto seg = h_.data().Write(p, src, nullptr);
    EXPECT_TRUE(seg.ok()) << seg.status().ToString();
    return seg.value();
  }

  // Reads [offset, offset+length) and returns how long it took.
  double ReadSeconds(const Segment& seg, uint64_t offset, uint64_t length, std::string* out) {
    auto t0 = Clock::now();
    Status st = h_.Read(seg, offset, length, out);
    EXPECT_TRUE(st.ok()) << st.ToString();
    return std::chrono::duration<double>(Clock::now() - t0).count();
  }

  DurabilityHarness h_;
  std::mt19937_64 rng_{11};
  const std::string bytes_ = RandomBytes(rng_, 4 * kK * kLargeBlock);
};

TEST_F(HedgedReadTest, ASlowDataDriveIsRacedWithParity) {
  h_.data().set_hedge_after(std::chrono::milliseconds(50));
  Segment seg = WriteLarge(bytes_);
  h_.faulty().SlowReads(seg.chunks[0].drives[2], std::chrono::milliseconds(2000));
  std::string out;
  double seconds = ReadSeconds(seg, 0, bytes_.size(), &out);
  EXPECT_EQ(out, bytes_);
  // Functional check, not a benchmark: without hedging the four stripes wait 4 x 2 s.
  EXPECT_LT(seconds, 1.5) << "the GET waited for the slow drive";
}

TEST_F(HedgedReadTest, HedgingAlsoCoversAFailedBlock) {
  h_.data().set_hedge_after(std::chrono::milliseconds(50));
  Segment seg = WriteLarge(bytes_);
  h_.faulty().SlowReads(seg.chunks[0].drives[1], std::chrono::milliseconds(2000));
  ASSERT_TRUE(h_.faulty().Drop(DurabilityHarness::Shard(seg, 0, 4)).ok());
  ASSERT_TRUE(h_.faulty().Drop(DurabilityHarness::Shard(seg, 0, 6)).ok());
  std::string out;
  double seconds = ReadSeconds(seg, 0, bytes_.size(), &out);
  EXPECT_EQ(out, bytes_);
  EXPECT_LT(seconds, 1.5);
}

TEST_F(HedgedReadTest, DisabledHedgingWaitsAndStillReadsExactBytes) {
  h_.data().set_hedge_after(std::chrono::milliseconds(0));
  Segment seg = WriteLarge(bytes_);
  h_.faulty().SlowReads(seg.chunks[0].drives[0], std::chrono::milliseconds(150));
  std::string out;
  double seconds = ReadSeconds(seg, 0, bytes_.size(), &out);
  EXPECT_EQ(out, bytes_);
  EXPECT_GE(seconds, 4 * 0.15) << "each stripe waited for its slow block";
}

TEST_F(HedgedReadTest, APartialStripeReadIsNotHedged) {
  h_.data().set_hedge_after(std::chrono::milliseconds(20));
  Segment seg = WriteLarge(bytes_);
  h_.faulty().SlowReads(seg.chunks[0].drives[1], std::chrono::milliseconds(200));
  std::string out;
  // Blocks 0..2 of stripe 1: three blocks, one of them slow; decoding would need six.
  const uint64_t offset = kK * kLargeBlock + 1000;
  double seconds = ReadSeconds(seg, offset, 2 * kLargeBlock, &out);
  EXPECT_EQ(out, bytes_.substr(offset, 2 * kLargeBlock));
  EXPECT_GE(seconds, 0.2);
}

}  // namespace
}  // namespace cairn::testing
