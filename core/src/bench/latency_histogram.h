// LatencyHistogram: HDR-like latency recording for `cairn bench`. Values (nanoseconds) fall into
// log-scaled buckets, 32 per power of two, so any percentile is known to within ~3% in a fixed
// 10 KiB, however long the run. One per worker thread, merged at the end; not thread-safe.
#pragma once

#include <cstdint>
#include <vector>

namespace cairn::bench {

class LatencyHistogram {
 public:
  // Sub-buckets per power of two: 2^kSubBits. Values below 2^kSubBits are recorded exactly.
  static constexpr int kSubBits = 5;
  static constexpr int kSubCount = 1 << kSubBits;
  // Values at or above 2^kMaxExponent ns (about 18 minutes) land in the last bucket.
  static constexpr int kMaxExponent = 40;

  LatencyHistogram();

  void Record(uint64_t nanos);
  void Merge(const LatencyHistogram& other);

  uint64_t count() const { return count_; }
  uint64_t min() const { return count_ ? min_ : 0; }
  uint64_t max() const { return max_; }
  double Mean() const;
  // The value at quantile `q` in [0, 1]: the upper edge of the bucket holding the
  // ceil(q * count)-th smallest value, clamped to [min, max]; the minimum for q = 0, 0 when empty.
  uint64_t Percentile(double q) const;

  // Bucket geometry, for tests and plots: the bucket of a value, and its [low, high] edges.
  static int BucketOf(uint64_t nanos);
  static uint64_t BucketLow(int bucket);
  static uint64_t BucketHigh(int bucket);
  static int BucketCount();
  uint64_t CountAt(int bucket) const { return counts_[bucket]; }

  // Counts regrouped into `per_octave` bars per power of two (a divisor of kSubCount), from the
  // first to the last non-empty bar, for plotting.
  struct Bar {
    uint64_t low_ns;
    uint64_t high_ns;
    uint64_t count;
  };
  std::vector<Bar> Bars(int per_octave) const;

 private:
  std::vector<uint64_t> counts_;
  uint64_t count_ = 0;
  uint64_t min_ = UINT64_MAX;
  uint64_t max_ = 0;
  long double sum_ = 0;
};

}  // namespace cairn::bench
