#include "bench/bench_report.h"

#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace cairn::bench {
namespace {

BenchResult SampleResult() {
  BenchResult r;
  r.options.endpoint = "http://127.0.0.1:9000";
  r.options.workload = Workload::kMixed;
  r.options.concurrency = 16;
  r.prefix = "cairn-bench/abcd/";
  r.elapsed_seconds = 2.0;
  r.prepared_objects = 100;
  r.cleaned_objects = 140;
  OpStats get, put;
  for (int i = 0; i < 70; ++i) get.latency.Record(1000000 + i * 1000);  // ~1 ms
  get.ops = 70;
  get.bytes = 70 * 4096;
  for (int i = 0; i < 30; ++i) put.latency.Record(4000000 + i * 1000);  // ~4 ms
  put.ops = 30;
  put.bytes = 30 * 4096;
  put.errors = 3;
  put.errors_by_code["SlowDown"] = 2;
  put.errors_by_code["connection: \"reset\""] = 1;
  r.by_op["GET"] = get;
  r.by_op["PUT"] = put;
  r.total.Merge(get);
  r.total.Merge(put);
  return r;
}

TEST(BenchReport, JsonParsesAndCarriesEveryNumber) {
  std::string json = ToJson(SampleResult());
  Poco::JSON::Parser parser;
  Poco::Dynamic::Var parsed;
  ASSERT_NO_THROW(parsed = parser.parse(json)) << json;
  auto root = parsed.extract<Poco::JSON::Object::Ptr>();
  EXPECT_EQ(root->getValue<std::string>("workload"), "mixed");
  EXPECT_EQ(root->getValue<int>("concurrency"), 16);
  EXPECT_DOUBLE_EQ(root->getValue<double>("elapsed_seconds"), 2.0);
  auto total = root->getObject("total");
  EXPECT_EQ(total->getValue<int>("ops"), 100);
  EXPECT_EQ(total->getValue<int>("errors"), 3);
  EXPECT_DOUBLE_EQ(total->getValue<double>("ops_per_second"), 50.0);
  EXPECT_NEAR(total->getValue<double>("mib_per_second"), 100 * 4096 / 2.0 / 1048576, 1e-3);
  auto latency = total->getObject("latency_ms");
  for (const char* k : {"min", "mean", "p50", "p90", "p99", "p99.9", "max"}) {
    EXPECT_TRUE(latency->has(k)) << k;
  }
  EXPECT_NEAR(latency->getValue<double>("p50"), 1.07, 0.05);
  EXPECT_NEAR(latency->getValue<double>("max"), 4.029, 1e-3);
  auto errors = total->getObject("errors_by_code");
  EXPECT_EQ(errors->getValue<int>("SlowDown"), 2);
  EXPECT_EQ(errors->getValue<int>("connection: \"reset\""), 1);
  auto ops = root->getObject("operations");
  EXPECT_TRUE(ops->has("GET"));
  EXPECT_TRUE(ops->has("PUT"));
  EXPECT_EQ(ops->getObject("GET")->getValue<int>("ops"), 70);
  // The histogram: [low_ns, high_ns, count] per non-empty bucket, counts summing to ops.
  auto hist = total->getArray("histogram");
  ASSERT_GT(hist->size(), 0u);
  uint64_t sum = 0;
  for (size_t i = 0; i < hist->size(); ++i) {
    auto bucket = hist->getArray(static_cast<unsigned>(i));
    ASSERT_EQ(bucket->size(), 3u);
    EXPECT_LE(bucket->getElement<uint64_t>(0), bucket->getElement<uint64_t>(1));
    sum += bucket->getElement<uint64_t>(2);
  }
  EXPECT_EQ(sum, 100u);
}

TEST(BenchReport, JsonStringEscapes) {
  EXPECT_EQ(JsonString("a\"b\\c\n"), "\"a\\\"b\\\\c\\u000a\"");
}

TEST(BenchReport, TableHasARowPerOperationAndTheErrors) {
  std::string table = FormatTable(SampleResult());
  EXPECT_NE(table.find("GET"), std::string::npos);
  EXPECT_NE(table.find("PUT"), std::string::npos);
  EXPECT_NE(table.find("total"), std::string::npos);
  EXPECT_NE(table.find("p99 ms"), std::string::npos);
  EXPECT_NE(table.find("SlowDown: 2"), std::string::npos);
  EXPECT_NE(table.find("35.0"), std::string::npos);  // GET ops/s: 70 in 2 s
}

size_t Count(const std::string& s, const std::string& what) {
  size_t n = 0;
  for (size_t p = s.find(what); p != std::string::npos; p = s.find(what, p + 1)) ++n;
  return n;
}

TEST(BenchReport, SvgShape) {
  BenchResult r = SampleResult();
  std::string svg = ToSvg(r.total.latency, "mixed <4 KiB>");
  EXPECT_EQ(svg.rfind("<svg xmlns=\"http://www.w3.org/2000/svg\"", 0), 0u);
  EXPECT_NE(svg.find("</svg>"), std::string::npos);
  EXPECT_NE(svg.find("mixed &lt;4 KiB&gt;"), std::string::npos);  // the title, escaped
  // One bar per log bucket from the fastest to the slowest sample: ~1 ms to ~4 ms is two
  // doublings, 4 bars each, plus the last bar.
  size_t bars = Count(svg, "class=\"bar\"");
  EXPECT_EQ(bars, r.total.latency.Bars(4).size());
  EXPECT_GE(bars, 8u);
  EXPECT_EQ(Count(svg, "class=\"marker\""), 4u);  // p50, p90, p99, p99.9
  EXPECT_NE(svg.find("latency (log scale"), std::string::npos);
  EXPECT_NE(svg.find(">operations</text>"), std::string::npos);
  EXPECT_NE(svg.find(">1.0ms</text>"), std::string::npos);  // an axis label
}

TEST(BenchReport, SvgWithoutSamples) {
  std::string svg = ToSvg(LatencyHistogram(), "empty");
  EXPECT_NE(svg.find("no samples"), std::string::npos);
  EXPECT_EQ(Count(svg, "class=\"bar\""), 0u);
}

}  // namespace
}  // namespace cairn::bench
