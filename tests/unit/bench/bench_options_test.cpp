#include "bench/bench_options.h"

#include <gtest/gtest.h>

namespace cairn::bench {
namespace {

std::vector<std::string> Base() {
  return {"--endpoint", "http://127.0.0.1:9000", "--access-key", "AK", "--secret-key", "SK"};
}

Result<BenchOptions> Parse(std::vector<std::string> extra) {
  std::vector<std::string> args = Base();
  args.insert(args.end(), extra.begin(), extra.end());
  return ParseBenchArgs(args);
}

TEST(ParseSize, BinaryAndDecimalUnits) {
  EXPECT_EQ(ParseSize("4096"), 4096u);
  EXPECT_EQ(ParseSize("4KiB"), 4096u);
  EXPECT_EQ(ParseSize("4kib"), 4096u);
  EXPECT_EQ(ParseSize("4k"), 4096u);
  EXPECT_EQ(ParseSize("1MiB"), 1048576u);
  EXPECT_EQ(ParseSize("64MiB"), 64u << 20);
  EXPECT_EQ(ParseSize("1GiB"), 1ull << 30);
  EXPECT_EQ(ParseSize("1.5KiB"), 1536u);
  EXPECT_EQ(ParseSize("4KB"), 4000u);
  EXPECT_EQ(ParseSize("2MB"), 2000000u);
  EXPECT_EQ(ParseSize("10B"), 10u);
}

TEST(ParseSize, RejectsGarbage) {
  EXPECT_FALSE(ParseSize(""));
  EXPECT_FALSE(ParseSize("KiB"));
  EXPECT_FALSE(ParseSize("4XiB"));
  EXPECT_FALSE(ParseSize("-4KiB"));
  EXPECT_FALSE(ParseSize("0.3B"));
  EXPECT_FALSE(ParseSize("1..2KiB"));
}

TEST(ParseDuration, Units) {
  EXPECT_EQ(ParseDuration("10s"), 10.0);
  EXPECT_EQ(ParseDuration("2m"), 120.0);
  EXPECT_EQ(ParseDuration("1h"), 3600.0);
  EXPECT_EQ(ParseDuration("500ms"), 0.5);
  EXPECT_EQ(ParseDuration("7"), 7.0);
  EXPECT_EQ(ParseDuration("1.5s"), 1.5);
  EXPECT_FALSE(ParseDuration("10x"));
  EXPECT_FALSE(ParseDuration("s"));
}

TEST(FormatSize, ReadsBest) {
  EXPECT_EQ(FormatSize(4096), "4 KiB");
  EXPECT_EQ(FormatSize(64u << 20), "64 MiB");
  EXPECT_EQ(FormatSize(1536), "1.5 KiB");
  EXPECT_EQ(FormatSize(100), "100 B");
}

TEST(ParseBenchArgs, Defaults) {
  Result<BenchOptions> o = Parse({});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->workload, Workload::kPut);
  EXPECT_EQ(o->min_size, 4096u);
  EXPECT_EQ(o->max_size, 4096u);
  EXPECT_EQ(o->concurrency, 16);
  EXPECT_EQ(o->duration_seconds, 10.0);
  EXPECT_EQ(o->warmup_seconds, 2.0);
  EXPECT_EQ(o->bucket, "cairn-bench");
  EXPECT_EQ(o->mix_get_percent, 70);
  EXPECT_FALSE(o->keep);
}

TEST(ParseBenchArgs, EveryFlag) {
  Result<BenchOptions> o =
      Parse({"--size",      "64MiB", "--concurrency", "4",         "--duration", "2m",
             "--workload",  "mixed", "--warmup",      "500ms",     "--bucket",   "b1",
             "--objects",   "12",    "--mix",         "50",        "--json",     "out.json",
             "--histogram", "h.svg", "--region",      "eu-west-1", "--keep"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->max_size, 64u << 20);
  EXPECT_EQ(o->concurrency, 4);
  EXPECT_EQ(o->duration_seconds, 120.0);
  EXPECT_EQ(o->workload, Workload::kMixed);
  EXPECT_EQ(o->warmup_seconds, 0.5);
  EXPECT_EQ(o->bucket, "b1");
  EXPECT_EQ(o->objects, 12u);
  EXPECT_EQ(o->mix_get_percent, 50);
  EXPECT_EQ(o->json_path, "out.json");
  EXPECT_EQ(o->histogram_path, "h.svg");
  EXPECT_EQ(o->region, "eu-west-1");
  EXPECT_TRUE(o->keep);
}

TEST(ParseBenchArgs, Workloads) {
  const std::pair<const char*, Workload> kCases[] = {{"put", Workload::kPut},
                                                     {"get", Workload::kGet},
                                                     {"mixed", Workload::kMixed},
                                                     {"list", Workload::kList},
                                                     {"delete", Workload::kDelete}};
  for (const auto& [name, w] : kCases) {
    Result<BenchOptions> o = Parse({"--workload", name});
    ASSERT_TRUE(o.ok()) << name;
    EXPECT_EQ(o->workload, w);
    EXPECT_EQ(WorkloadName(w), name);
  }
  EXPECT_FALSE(Parse({"--workload", "copy"}).ok());
}

TEST(ParseBenchArgs, SizeDistribution) {
  Result<BenchOptions> o = Parse({"--size-dist", "uniform:1KiB-64KiB"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->min_size, 1024u);
  EXPECT_EQ(o->max_size, 65536u);
  o = Parse({"--size", "1MiB", "--size-dist", "fixed"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->min_size, 1048576u);
  EXPECT_EQ(o->max_size, 1048576u);
  EXPECT_FALSE(Parse({"--size-dist", "uniform:64KiB-1KiB"}).ok());
  EXPECT_FALSE(Parse({"--size-dist", "normal"}).ok());
}

TEST(ParseBenchArgs, OperationsAloneBoundTheRun) {
  Result<BenchOptions> o = Parse({"--operations", "100"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->operations, 100u);
  EXPECT_EQ(o->duration_seconds, 0.0);
  o = Parse({"--operations", "100", "--duration", "5s"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->duration_seconds, 5.0);
  EXPECT_FALSE(Parse({"--duration", "0s"}).ok());
}

TEST(ParseBenchArgs, DefaultObjectCountFitsTheSize) {
  Result<BenchOptions> small = Parse({"--workload", "get", "--size", "4KiB"});
  ASSERT_TRUE(small.ok());
  EXPECT_EQ(small->objects, 1000u);
  Result<BenchOptions> big = Parse({"--workload", "get", "--size", "64MiB"});
  ASSERT_TRUE(big.ok());
  EXPECT_EQ(big->objects, 8u);
}

TEST(ParseBenchArgs, VersionsPrepareAVersionedBucketForReads) {
  Result<BenchOptions> o = Parse({"--workload", "list", "--versions", "10"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->versions, 10u);
  EXPECT_EQ(Parse({"--workload", "get"})->versions, 1u);
  EXPECT_FALSE(Parse({"--workload", "put", "--versions", "2"}).ok());
  EXPECT_FALSE(Parse({"--workload", "delete", "--versions", "2"}).ok());
  EXPECT_FALSE(Parse({"--workload", "list", "--versions", "0"}).ok());
  EXPECT_FALSE(Parse({"--workload", "list", "--versions", "1001"}).ok());
}

TEST(ParseBenchArgs, Errors) {
  EXPECT_FALSE(ParseBenchArgs({"--access-key", "a", "--secret-key", "b"}).ok());  // no endpoint
  EXPECT_FALSE(ParseBenchArgs({"--endpoint", "http://x:1"}).ok());                // no credentials
  EXPECT_FALSE(Parse({"--size", "lots"}).ok());
  EXPECT_FALSE(Parse({"--size", "0"}).ok());
  EXPECT_FALSE(Parse({"--duration", "soon"}).ok());
  EXPECT_FALSE(Parse({"--concurrency", "0"}).ok());
  EXPECT_FALSE(Parse({"--mix", "101"}).ok());
  EXPECT_FALSE(Parse({"--bogus", "1"}).ok());
  EXPECT_FALSE(Parse({"--size"}).ok());
  Result<BenchOptions> o = ParseBenchArgs({"--endpoint", "http://x:1"}, "envkey", "envsecret");
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->access_key, "envkey");
  EXPECT_EQ(o->secret_key, "envsecret");
}

TEST(ParseBenchArgs, ErrorsNeverEchoTheSecret) {
  Result<BenchOptions> o = ParseBenchArgs({"--secret-key", "TOPSECRET", "--endpoint"});
  ASSERT_FALSE(o.ok());
  EXPECT_EQ(o.status().message().find("TOPSECRET"), std::string::npos);
}

}  // namespace
}  // namespace cairn::bench
