#include "bench/latency_histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>

namespace cairn::bench {

LatencyHistogram::LatencyHistogram() : counts_(BucketCount(), 0) {}

int LatencyHistogram::BucketCount() { return kSubCount + (kMaxExponent - kSubBits) * kSubCount; }

int LatencyHistogram::BucketOf(uint64_t nanos) {
  if (nanos < static_cast<uint64_t>(kSubCount)) return static_cast<int>(nanos);
  int exponent = std::bit_width(nanos) - 1;  // >= kSubBits
  if (exponent >= kMaxExponent) return BucketCount() - 1;
  int sub = static_cast<int>(nanos >> (exponent - kSubBits)) - kSubCount;
  return kSubCount + (exponent - kSubBits) * kSubCount + sub;
}

uint64_t LatencyHistogram::BucketLow(int bucket) {
  if (bucket < kSubCount) return static_cast<uint64_t>(bucket);
  int exponent = kSubBits + (bucket - kSubCount) / kSubCount;
  uint64_t sub = static_cast<uint64_t>((bucket - kSubCount) % kSubCount + kSubCount);
  return sub << (exponent - kSubBits);
}

uint64_t LatencyHistogram::BucketHigh(int bucket) {
  if (bucket + 1 >= BucketCount()) return UINT64_MAX;
  return BucketLow(bucket + 1) - 1;
}

void LatencyHistogram::Record(uint64_t nanos) {
  ++counts_[BucketOf(nanos)];
  ++count_;
  min_ = std::min(min_, nanos);
  max_ = std::max(max_, nanos);
  sum_ += nanos;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) {
  for (size_t i = 0; i < counts_.size(); ++i) counts_[i] += other.counts_[i];
  count_ += other.count_;
  min_ = std::min(min_, other.min_);
  max_ = std::max(max_, other.max_);
  sum_ += other.sum_;
}

double LatencyHistogram::Mean() const { return count_ ? static_cast<double>(sum_ / count_) : 0.0; }

uint64_t LatencyHistogram::Percentile(double q) const {
  if (count_ == 0) return 0;
  if (q <= 0) return min_;
  q = std::min(q, 1.0);
  uint64_t rank = static_cast<uint64_t>(std::ceil(q * static_cast<double>(count_)));
  rank = std::clamp<uint64_t>(rank, 1, count_);
  uint64_t seen = 0;
  for (int b = 0; b < BucketCount(); ++b) {
    seen += counts_[b];
    if (seen >= rank) return std::clamp(BucketHigh(b), min_, max_);
  }
  return max_;
}

std::vector<LatencyHistogram::Bar> LatencyHistogram::Bars(int per_octave) const {
  std::vector<Bar> bars;
  if (count_ == 0 || per_octave <= 0 || kSubCount % per_octave != 0) return bars;
  const int width = kSubCount / per_octave;  // sub-buckets per bar
  for (int b = 0; b < BucketCount(); b += width) {
    Bar bar{BucketLow(b), BucketHigh(std::min(b + width, BucketCount()) - 1), 0};
    for (int i = b; i < b + width && i < BucketCount(); ++i) bar.count += counts_[i];
    bars.push_back(bar);
  }
  // Trim the empty bars at both ends; the ones in between stay, so the axis is continuous.
  size_t first = 0;
  while (first < bars.size() && bars[first].count == 0) ++first;
  size_t last = bars.size();
  while (last > first && bars[last - 1].count == 0) --last;
  return std::vector<Bar>(bars.begin() + first, bars.begin() + last);
}

}  // namespace cairn::bench
