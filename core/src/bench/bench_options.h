// The command line of `cairn bench`: where the S3 endpoint is, what load to put on it and for
// how long, and where to write the results. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/status.h"

namespace cairn::bench {

enum class Workload { kPut, kGet, kMixed, kList, kDelete };

struct BenchOptions {
  std::string endpoint;  // "http://host:port"; requests are path-style
  std::string access_key;
  std::string secret_key;
  std::string region = "us-east-1";
  std::string bucket = "cairn-bench";
  Workload workload = Workload::kPut;
  uint64_t min_size = 4096;  // object sizes are uniform in [min_size, max_size]
  uint64_t max_size = 4096;  // == min_size for a fixed size
  int concurrency = 16;
  double duration_seconds = 10;  // 0: bounded by `operations` alone
  uint64_t operations = 0;       // 0: bounded by the duration alone
  double warmup_seconds = 2;     // not for delete, which would use up its objects
  uint64_t objects = 0;          // objects PUT before get/mixed/list/delete (0: a default)
  uint64_t versions = 1;         // > 1: a versioned bucket, each prepared object PUT this often
  int mix_get_percent = 70;      // mixed: the share of GETs, the rest PUTs
  std::string json_path;         // "" = no JSON file
  std::string histogram_path;    // "" = no SVG
  bool keep = false;             // leave the objects (and the bucket) behind
  bool help = false;
};

std::string_view WorkloadName(Workload w);

// "4096", "4KiB", "1MiB", "64MiB", "1GiB", "4KB" (10^3), "4k" (binary): bytes, or nullopt.
std::optional<uint64_t> ParseSize(std::string_view text);
// "10s", "2m", "500ms", "1h", "7" (seconds): seconds, or nullopt.
std::optional<double> ParseDuration(std::string_view text);
// "4 KiB", "64 MiB", "1.5 GiB": the binary unit that reads best.
std::string FormatSize(uint64_t bytes);

// `args` are the words after `cairn bench`. Credentials missing from the flags come from
// CAIRN_ROOT_ACCESS_KEY / CAIRN_ROOT_SECRET_KEY (read by the caller into `env_access_key` and
// `env_secret_key`). InvalidArgument, fit for the user and never containing the secret.
Result<BenchOptions> ParseBenchArgs(const std::vector<std::string>& args,
                                    const std::string& env_access_key = "",
                                    const std::string& env_secret_key = "");

std::string BenchUsage();

}  // namespace cairn::bench
