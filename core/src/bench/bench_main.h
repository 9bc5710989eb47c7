// `cairn bench ...`: an S3 load generator in the spirit of MinIO's warp (SigV4, path-style, any
// S3 endpoint). See BenchUsage() in bench_options.h for the flags.
#pragma once

namespace cairn {

// `argv` as main() received it, with argv[1] == "bench"; argv + 1 (argv[0] == "bench") works
// too. Returns the process exit status: 0 ran (even with failed operations), 1 the run could
// not happen (unreachable endpoint, bucket not creatable) or an output file could not be
// written, 2 bad arguments.
int BenchMain(int argc, char** argv);

}  // namespace cairn
