// The outputs of `cairn bench`: a table for the terminal, a JSON document with every number,
// and an SVG latency histogram. Pure functions of a BenchResult; thread-safe.
#pragma once

#include <string>

#include "bench/bench_result.h"
#include "bench/latency_histogram.h"
#include "util/json_text.h"

namespace cairn::bench {

// The percentiles every output reports, in this order.
inline constexpr double kQuantiles[] = {0.5, 0.9, 0.99, 0.999};
inline constexpr const char* kQuantileNames[] = {"p50", "p90", "p99", "p99.9"};

std::string FormatTable(const BenchResult& result);
std::string ToJson(const BenchResult& result);
// Bars per log-scaled latency bucket (4 per power of two), the count axis on the left, a
// latency axis in ms below, and p50/p99 marked. A placeholder text when there is no sample.
std::string ToSvg(const LatencyHistogram& latency, const std::string& title);


}  // namespace cairn::bench
