#include "bench/bench_main.h"

#include <cstdlib>
#include <fstream>
#include <iostream>
#include <string>
#include <vector>

#include "bench/bench_options.h"
#include "bench/bench_report.h"
#include "bench/bench_runner.h"

namespace cairn {

namespace {

std::string EnvOr(const char* name) {
  const char* v = std::getenv(name);
  return v ? v : "";
}

bool WriteFile(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out << text;
  out.close();
  if (!out) {
    std::cerr << "cairn bench: cannot write " << path << "\n";
    return false;
  }
  return true;
}

}  // namespace

int BenchMain(int argc, char** argv) {
  int first = 1;
  if (argc > 1 && std::string(argv[1]) == "bench") first = 2;
  std::vector<std::string> args(argv + first, argv + argc);
  Result<bench::BenchOptions> options =
      bench::ParseBenchArgs(args, EnvOr("CAIRN_ROOT_ACCESS_KEY"), EnvOr("CAIRN_ROOT_SECRET_KEY"));
  if (!options.ok()) {
    std::cerr << "cairn bench: " << options.status().message() << "\n\n" << bench::BenchUsage();
    return 2;
  }
  if (options->help) {
    std::cout << bench::BenchUsage();
    return 0;
  }
  Result<bench::BenchResult> result = bench::RunBench(options.value(), &std::cerr);
  if (!result.ok()) {
    std::cerr << "cairn bench: " << result.status().message() << "\n";
    return 1;
  }
  std::cout << bench::FormatTable(result.value()) << std::flush;
  bool written = true;
  if (!options->json_path.empty()) {
    written = WriteFile(options->json_path, bench::ToJson(result.value())) && written;
  }
  if (!options->histogram_path.empty()) {
    const bench::BenchOptions& o = options.value();
    std::string title = "cairn bench " + std::string(bench::WorkloadName(o.workload)) + ", " +
                        bench::FormatSize(o.max_size) + ", " + std::to_string(o.concurrency) +
                        " clients: latency of " + std::to_string(result->total.ops) + " operations";
    written =
        WriteFile(options->histogram_path, bench::ToSvg(result->total.latency, title)) && written;
  }
  return written ? 0 : 1;
}

}  // namespace cairn
