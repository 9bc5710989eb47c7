#include "bench/bench_report.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <sstream>

namespace cairn::bench {

namespace {

double Ms(uint64_t nanos) { return static_cast<double>(nanos) / 1e6; }

std::string Fixed(double v, int digits) {
  char buf[64];
  std::snprintf(buf, sizeof(buf), "%.*f", digits, v);
  return buf;
}

std::string XmlEscape(const std::string& s) {
  std::string out;
  for (char c : s) {
    switch (c) {
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '&':
        out += "&amp;";
        break;
      case '"':
        out += "&quot;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

// A latency for an axis label: "850us", "1.2ms", "35ms", "2.1s".
std::string ShortLatency(uint64_t nanos) {
  double us = static_cast<double>(nanos) / 1e3;
  if (us < 1000) return Fixed(us, us < 10 ? 1 : 0) + "us";
  double ms = us / 1e3;
  if (ms < 1000) return Fixed(ms, ms < 10 ? 1 : 0) + "ms";
  return Fixed(ms / 1e3, 1) + "s";
}

void StatsJson(std::ostringstream& j, const OpStats& s, double elapsed) {
  double rate = elapsed > 0 ? static_cast<double>(s.ops) / elapsed : 0;
  double mib = elapsed > 0 ? static_cast<double>(s.bytes) / elapsed / (1 << 20) : 0;
  j << "{\"ops\": " << s.ops << ", \"bytes\": " << s.bytes << ", \"errors\": " << s.errors
    << ", \"ops_per_second\": " << Fixed(rate, 3) << ", \"mib_per_second\": " << Fixed(mib, 3)
    << ", \"latency_ms\": {\"min\": " << Fixed(Ms(s.latency.min()), 4)
    << ", \"mean\": " << Fixed(s.latency.Mean() / 1e6, 4);
  for (size_t q = 0; q < std::size(kQuantiles); ++q) {
    j << ", \"" << kQuantileNames[q] << "\": " << Fixed(Ms(s.latency.Percentile(kQuantiles[q])), 4);
  }
  j << ", \"max\": " << Fixed(Ms(s.latency.max()), 4) << "}, \"errors_by_code\": {";
  bool first = true;
  for (const auto& [code, n] : s.errors_by_code) {
    j << (first ? "" : ", ") << JsonString(code) << ": " << n;
    first = false;
  }
  j << "}, \"histogram\": [";
  first = true;
  for (int b = 0; b < LatencyHistogram::BucketCount(); ++b) {
    if (s.latency.CountAt(b) == 0) continue;
    j << (first ? "" : ", ") << "[" << LatencyHistogram::BucketLow(b) << ", "
      << LatencyHistogram::BucketHigh(b) << ", " << s.latency.CountAt(b) << "]";
    first = false;
  }
  j << "]}";
}

}  // namespace


std::string FormatTable(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::ostringstream t;
  std::string size = o.min_size == o.max_size
                         ? FormatSize(o.max_size)
                         : FormatSize(o.min_size) + "-" + FormatSize(o.max_size);
  t << "cairn bench: " << WorkloadName(o.workload) << ", " << size << ", " << o.concurrency
    << " clients, " << Fixed(r.elapsed_seconds, 2) << " s measured against " << o.endpoint << "/"
    << o.bucket << "\n\n";
  char line[256];
  std::snprintf(line, sizeof(line), "%-7s %9s %10s %9s %8s %8s %8s %8s %8s %8s %7s\n", "op", "ops",
                "ops/s", "MiB/s", "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9", "max ms",
                "errors");
  t << line;
  auto row = [&](const std::string& name, const OpStats& s) {
    double rate = r.elapsed_seconds > 0 ? static_cast<double>(s.ops) / r.elapsed_seconds : 0;
    double mib =
        r.elapsed_seconds > 0 ? static_cast<double>(s.bytes) / r.elapsed_seconds / (1 << 20) : 0;
    const LatencyHistogram& h = s.latency;
    std::snprintf(line, sizeof(line),
                  "%-7s %9llu %10.1f %9.2f %8.3f %8.3f %8.3f %8.3f %8.3f %8.3f %7llu\n",
                  name.c_str(), static_cast<unsigned long long>(s.ops), rate, mib, h.Mean() / 1e6,
                  Ms(h.Percentile(0.5)), Ms(h.Percentile(0.9)), Ms(h.Percentile(0.99)),
                  Ms(h.Percentile(0.999)), Ms(h.max()), static_cast<unsigned long long>(s.errors));
    t << line;
  };
  for (const auto& [op, s] : r.by_op) row(op, s);
  if (r.by_op.size() > 1) row("total", r.total);
  if (r.total.ops == 0 && r.total.errors == 0) t << "(no operation completed in the window)\n";
  if (!r.total.errors_by_code.empty()) {
    t << "\nerrors:\n";
    for (const auto& [code, n] : r.total.errors_by_code) t << "  " << code << ": " << n << "\n";
  }
  if (r.prepared_objects > 0) {
    t << "\nprepared " << r.prepared_objects << " objects in " << Fixed(r.prepare_seconds, 1)
      << " s (not measured)";
  }
  if (!o.keep) {
    t << (r.prepared_objects > 0 ? "; " : "\n") << "deleted " << r.cleaned_objects << " objects";
    if (r.cleanup_errors > 0) t << " (" << r.cleanup_errors << " deletes failed)";
  }
  t << "\n";
  return t.str();
}

std::string ToJson(const BenchResult& r) {
  const BenchOptions& o = r.options;
  std::ostringstream j;
  j << "{\n  \"tool\": \"cairn bench\",\n  \"endpoint\": " << JsonString(o.endpoint)
    << ",\n  \"bucket\": " << JsonString(o.bucket) << ",\n  \"prefix\": " << JsonString(r.prefix)
    << ",\n  \"workload\": " << JsonString(std::string(WorkloadName(o.workload)))
    << ",\n  \"size_min\": " << o.min_size << ",\n  \"size_max\": " << o.max_size
    << ",\n  \"concurrency\": " << o.concurrency
    << ",\n  \"duration_seconds\": " << Fixed(o.duration_seconds, 3)
    << ",\n  \"operations_limit\": " << o.operations
    << ",\n  \"warmup_seconds\": " << Fixed(o.warmup_seconds, 3)
    << ",\n  \"mix_get_percent\": " << o.mix_get_percent
    << ",\n  \"elapsed_seconds\": " << Fixed(r.elapsed_seconds, 6)
    << ",\n  \"prepared_objects\": " << r.prepared_objects
    << ",\n  \"prepare_seconds\": " << Fixed(r.prepare_seconds, 3)
    << ",\n  \"cleaned_objects\": " << r.cleaned_objects
    << ",\n  \"cleanup_errors\": " << r.cleanup_errors << ",\n  \"total\": ";
  StatsJson(j, r.total, r.elapsed_seconds);
  j << ",\n  \"operations\": {";
  bool first = true;
  for (const auto& [op, s] : r.by_op) {
    j << (first ? "\n    " : ",\n    ") << JsonString(op) << ": ";
    StatsJson(j, s, r.elapsed_seconds);
    first = false;
  }
  j << "\n  }\n}\n";
  return j.str();
}

std::string ToSvg(const LatencyHistogram& h, const std::string& title) {
  constexpr int kWidth = 800, kHeight = 400;
  constexpr int kLeft = 70, kRight = 20, kTop = 40, kBottom = 60;
  constexpr int kPlotW = kWidth - kLeft - kRight, kPlotH = kHeight - kTop - kBottom;
  std::ostringstream s;
  s << "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"" << kWidth << "\" height=\"" << kHeight
    << "\" viewBox=\"0 0 " << kWidth << " " << kHeight
    << "\" font-family=\"sans-serif\" font-size=\"11\">\n"
    << "<rect width=\"100%\" height=\"100%\" fill=\"white\"/>\n"
    << "<text x=\"" << kWidth / 2 << "\" y=\"22\" text-anchor=\"middle\" font-size=\"14\">"
    << XmlEscape(title) << "</text>\n";
  std::vector<LatencyHistogram::Bar> bars = h.Bars(4);
  if (bars.empty()) {
    s << "<text x=\"" << kWidth / 2 << "\" y=\"" << kHeight / 2
      << "\" text-anchor=\"middle\">no samples</text>\n</svg>\n";
    return s.str();
  }
  uint64_t peak = 1;
  for (const auto& b : bars) peak = std::max(peak, b.count);
  const double bar_w = static_cast<double>(kPlotW) / static_cast<double>(bars.size());
  // Axes.
  s << "<line x1=\"" << kLeft << "\" y1=\"" << kTop + kPlotH << "\" x2=\"" << kLeft + kPlotW
    << "\" y2=\"" << kTop + kPlotH << "\" stroke=\"black\"/>\n"
    << "<line x1=\"" << kLeft << "\" y1=\"" << kTop << "\" x2=\"" << kLeft << "\" y2=\""
    << kTop + kPlotH << "\" stroke=\"black\"/>\n";
  for (int i = 0; i <= 4; ++i) {
    double y = kTop + kPlotH - kPlotH * i / 4.0;
    s << "<text x=\"" << kLeft - 6 << "\" y=\"" << Fixed(y + 4, 1) << "\" text-anchor=\"end\">"
      << static_cast<uint64_t>(std::llround(static_cast<double>(peak) * i / 4.0)) << "</text>\n";
  }
  s << "<text x=\"16\" y=\"" << kTop + kPlotH / 2 << "\" transform=\"rotate(-90 16 "
    << kTop + kPlotH / 2 << ")\" text-anchor=\"middle\">operations</text>\n"
    << "<text x=\"" << kLeft + kPlotW / 2 << "\" y=\"" << kHeight - 12
    << "\" text-anchor=\"middle\">latency (log scale, 4 buckets per doubling)</text>\n";
  // Bars, with a latency label at every power of two.
  for (size_t i = 0; i < bars.size(); ++i) {
    double x = kLeft + bar_w * static_cast<double>(i);
    double bh = kPlotH * static_cast<double>(bars[i].count) / static_cast<double>(peak);
    s << "<rect class=\"bar\" x=\"" << Fixed(x + 0.5, 1) << "\" y=\""
      << Fixed(kTop + kPlotH - bh, 1) << "\" width=\"" << Fixed(std::max(bar_w - 1, 0.5), 1)
      << "\" height=\"" << Fixed(bh, 1) << "\" fill=\"#4878a8\"><title>"
      << ShortLatency(bars[i].low_ns) << "-" << ShortLatency(bars[i].high_ns) << ": "
      << bars[i].count << "</title></rect>\n";
    if (std::has_single_bit(bars[i].low_ns)) {
      s << "<text x=\"" << Fixed(x, 1) << "\" y=\"" << kTop + kPlotH + 16
        << "\" text-anchor=\"middle\">" << ShortLatency(bars[i].low_ns) << "</text>\n";
    }
  }
  // Percentile markers, placed by the bar that holds them.
  const char* colors[] = {"#2a9d2a", "#d08000", "#c03030", "#802080"};
  for (size_t q = 0; q < std::size(kQuantiles); ++q) {
    uint64_t v = h.Percentile(kQuantiles[q]);
    size_t i = 0;
    while (i + 1 < bars.size() && bars[i].high_ns < v) ++i;
    double x = kLeft + bar_w * (static_cast<double>(i) + 0.5);
    s << "<line class=\"marker\" x1=\"" << Fixed(x, 1) << "\" y1=\"" << kTop << "\" x2=\""
      << Fixed(x, 1) << "\" y2=\"" << kTop + kPlotH << "\" stroke=\"" << colors[q]
      << "\" stroke-dasharray=\"4 3\"/>\n"
      << "<text x=\"" << Fixed(x + 3, 1) << "\" y=\"" << kTop + 12 + 12 * q << "\" fill=\""
      << colors[q] << "\">" << kQuantileNames[q] << " " << ShortLatency(v) << "</text>\n";
  }
  s << "</svg>\n";
  return s.str();
}

}  // namespace cairn::bench
