// What one `cairn bench` run measured: per operation type, the count, bytes, latency histogram
// and errors, plus the run's setup. Plain values, filled by RunBench and read by the reports.
#pragma once

#include <cstdint>
#include <map>
#include <string>

#include "bench/bench_options.h"
#include "bench/latency_histogram.h"

namespace cairn::bench {

struct OpStats {
  uint64_t ops = 0;                                // measured operations that succeeded
  uint64_t bytes = 0;                              // payload bytes moved by them
  uint64_t errors = 0;                             // measured operations that failed
  std::map<std::string, uint64_t> errors_by_code;  // S3 code, "HTTP 5xx", "connection: ..."
  LatencyHistogram latency;                        // successful operations only

  void Merge(const OpStats& other);
};

struct BenchResult {
  BenchOptions options;        // secret_key cleared
  std::string prefix;          // every key of the run starts with it
  double elapsed_seconds = 0;  // the measured window
  uint64_t prepared_objects = 0;
  double prepare_seconds = 0;
  uint64_t cleaned_objects = 0;
  uint64_t cleanup_errors = 0;
  std::map<std::string, OpStats> by_op;  // "PUT", "GET", "DELETE", "LIST"
  OpStats total;
};

}  // namespace cairn::bench
