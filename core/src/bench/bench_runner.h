// RunBench: `cairn bench`'s load generator. Creates the bucket if missing, PUTs the objects the
// workload reads, runs `concurrency` workers (one keep-alive connection each) through the
// warm-up and the measured window, then deletes what it created unless --keep. Bounded by the
// duration and/or the operation count. Prints progress lines to `progress` (may be null).
#pragma once

#include <ostream>

#include "bench/bench_options.h"
#include "bench/bench_result.h"
#include "cairn/status.h"

namespace cairn::bench {

// Errors only when the run could not happen (bad endpoint, bucket not creatable, objects not
// preparable); failed operations during the run are counted in the result instead.
Result<BenchResult> RunBench(const BenchOptions& options, std::ostream* progress);

}  // namespace cairn::bench
