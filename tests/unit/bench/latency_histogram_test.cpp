#include "bench/latency_histogram.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

namespace cairn::bench {
namespace {

TEST(LatencyHistogram, SmallValuesAreExact) {
  for (uint64_t v = 0; v < 32; ++v) {
    int b = LatencyHistogram::BucketOf(v);
    EXPECT_EQ(LatencyHistogram::BucketLow(b), v);
    EXPECT_EQ(LatencyHistogram::BucketHigh(b), v);
  }
}

TEST(LatencyHistogram, BucketsTileTheRangeWithBoundedWidth) {
  for (int b = 0; b + 1 < LatencyHistogram::BucketCount(); ++b) {
    uint64_t lo = LatencyHistogram::BucketLow(b);
    uint64_t hi = LatencyHistogram::BucketHigh(b);
    ASSERT_LE(lo, hi);
    ASSERT_EQ(LatencyHistogram::BucketLow(b + 1), hi + 1) << b;
    EXPECT_EQ(LatencyHistogram::BucketOf(lo), b);
    EXPECT_EQ(LatencyHistogram::BucketOf(hi), b);
    // HDR-like: a bucket is at most 1/32 of its lower edge wide.
    if (lo >= 32) {
      EXPECT_LE(static_cast<double>(hi - lo + 1), lo / 32.0 + 1e-9) << b;
    }
  }
}

TEST(LatencyHistogram, HugeValuesLandInTheLastBucket) {
  EXPECT_EQ(LatencyHistogram::BucketOf(UINT64_MAX), LatencyHistogram::BucketCount() - 1);
  LatencyHistogram h;
  h.Record(UINT64_MAX / 2);
  EXPECT_EQ(h.Percentile(0.5), UINT64_MAX / 2);
}

TEST(LatencyHistogram, PercentilesMatchSortedSamplesWithinABucket) {
  std::mt19937_64 rng(7);
  std::lognormal_distribution<double> dist(std::log(2e6), 0.8);  // ~2 ms median
  std::vector<uint64_t> samples;
  LatencyHistogram h;
  for (int i = 0; i < 100000; ++i) {
    uint64_t v = static_cast<uint64_t>(dist(rng));
    samples.push_back(v);
    h.Record(v);
  }
  std::sort(samples.begin(), samples.end());
  for (double q : {0.5, 0.9, 0.99, 0.999}) {
    uint64_t exact = samples[static_cast<size_t>(std::ceil(q * samples.size())) - 1];
    uint64_t got = h.Percentile(q);
    EXPECT_GE(got, exact) << q;  // the bucket's upper edge: never optimistic
    EXPECT_LE(static_cast<double>(got), exact * (1 + 1.0 / 32) + 1) << q;
  }
  EXPECT_EQ(h.Percentile(1.0), samples.back());
  EXPECT_EQ(h.Percentile(0.0), samples.front());
  EXPECT_EQ(h.max(), samples.back());
  EXPECT_EQ(h.min(), samples.front());
  EXPECT_EQ(h.count(), samples.size());
}

TEST(LatencyHistogram, PercentileOfFewSamples) {
  LatencyHistogram h;
  for (uint64_t v : {10, 20, 30, 40}) h.Record(v);
  EXPECT_EQ(h.Percentile(0.5), 20u);
  EXPECT_EQ(h.Percentile(0.75), 30u);
  EXPECT_EQ(h.Percentile(0.99), 40u);
  EXPECT_DOUBLE_EQ(h.Mean(), 25.0);
  LatencyHistogram empty;
  EXPECT_EQ(empty.Percentile(0.5), 0u);
  EXPECT_EQ(empty.min(), 0u);
}

TEST(LatencyHistogram, MergeAddsCounts) {
  LatencyHistogram a, b;
  a.Record(1000);
  b.Record(5000000);
  b.Record(5000000);
  a.Merge(b);
  EXPECT_EQ(a.count(), 3u);
  EXPECT_EQ(a.min(), 1000u);
  EXPECT_EQ(a.max(), 5000000u);
  EXPECT_EQ(a.CountAt(LatencyHistogram::BucketOf(5000000)), 2u);
}

TEST(LatencyHistogram, BarsAreContiguousAndTrimmed) {
  LatencyHistogram h;
  h.Record(1000000);  // 1 ms
  h.Record(8000000);  // 8 ms: three doublings later
  std::vector<LatencyHistogram::Bar> bars = h.Bars(4);
  ASSERT_FALSE(bars.empty());
  EXPECT_EQ(bars.front().count, 1u);
  EXPECT_EQ(bars.back().count, 1u);
  EXPECT_LE(bars.front().low_ns, 1000000u);
  EXPECT_GE(bars.back().high_ns, 8000000u);
  for (size_t i = 1; i < bars.size(); ++i) EXPECT_EQ(bars[i].low_ns, bars[i - 1].high_ns + 1);
  EXPECT_EQ(bars.size(), 13u);     // 3 doublings x 4 bars, plus the one holding 8 ms
  EXPECT_TRUE(h.Bars(5).empty());  // not a divisor of 32
  EXPECT_TRUE(LatencyHistogram().Bars(4).empty());
}

}  // namespace
}  // namespace cairn::bench
