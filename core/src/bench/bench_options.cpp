#include "bench/bench_options.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <cmath>
#include <cstdio>
#include <utility>

namespace cairn::bench {

namespace {

// A non-negative decimal number at the start of `text`; `rest` gets what follows it.
std::optional<double> LeadingNumber(std::string_view text, std::string_view* rest) {
  size_t n = 0;
  while (n < text.size() && (std::isdigit(static_cast<unsigned char>(text[n])) || text[n] == '.')) {
    ++n;
  }
  if (n == 0) return std::nullopt;
  double value = 0;
  // from_chars for double is in GCC 12's libstdc++; it never throws.
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + n, value);
  if (ec != std::errc() || ptr != text.data() + n || !std::isfinite(value)) return std::nullopt;
  *rest = text.substr(n);
  return value;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

std::optional<int64_t> ParseInt(std::string_view text) {
  int64_t v = 0;
  auto [ptr, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || ptr != text.data() + text.size()) return std::nullopt;
  return v;
}

}  // namespace

std::string_view WorkloadName(Workload w) {
  switch (w) {
    case Workload::kPut:
      return "put";
    case Workload::kGet:
      return "get";
    case Workload::kMixed:
      return "mixed";
    case Workload::kList:
      return "list";
    case Workload::kDelete:
      return "delete";
  }
  return "?";
}

std::optional<uint64_t> ParseSize(std::string_view text) {
  std::string_view unit;
  std::optional<double> number = LeadingNumber(text, &unit);
  if (!number) return std::nullopt;
  std::string u = Lower(unit);
  if (!u.empty() && u.back() == 'b' && u != "b") u.pop_back();  // "KiB" -> "ki", "KB" -> "k"
  double scale = 0;
  if (u.empty() || u == "b") {
    scale = 1;
  } else if (u == "ki" || u == "k") {
    scale = 1024.0;
  } else if (u == "mi" || u == "m") {
    scale = 1024.0 * 1024;
  } else if (u == "gi" || u == "g") {
    scale = 1024.0 * 1024 * 1024;
  }
  // "KB" spelled with a capital B and no i means powers of ten, as disks and warp use it.
  if (unit.size() == 2 && unit[1] == 'B') {
    if (u == "k") scale = 1e3;
    if (u == "m") scale = 1e6;
    if (u == "g") scale = 1e9;
  }
  if (scale == 0) return std::nullopt;
  double bytes = *number * scale;
  if (bytes > 1e15 || bytes != std::floor(bytes)) return std::nullopt;
  return static_cast<uint64_t>(bytes);
}

std::optional<double> ParseDuration(std::string_view text) {
  std::string_view unit;
  std::optional<double> number = LeadingNumber(text, &unit);
  if (!number) return std::nullopt;
  if (unit.empty() || unit == "s") return *number;
  if (unit == "ms") return *number / 1000;
  if (unit == "m") return *number * 60;
  if (unit == "h") return *number * 3600;
  return std::nullopt;
}

std::string FormatSize(uint64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB"};
  double v = static_cast<double>(bytes);
  int u = 0;
  while (v >= 1024 && u < 4) {
    v /= 1024;
    ++u;
  }
  char buf[32];
  if (v == std::floor(v)) {
    std::snprintf(buf, sizeof(buf), "%.0f %s", v, kUnits[u]);
  } else {
    std::snprintf(buf, sizeof(buf), "%.1f %s", v, kUnits[u]);
  }
  return buf;
}

Result<BenchOptions> ParseBenchArgs(const std::vector<std::string>& args,
                                    const std::string& env_access_key,
                                    const std::string& env_secret_key) {
  BenchOptions o;
  bool duration_given = false;
  auto bad = [](const std::string& why) { return Status::InvalidArgument(why); };
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& flag = args[i];
    if (flag == "-h" || flag == "--help") {
      o.help = true;
      continue;
    }
    if (flag == "--keep") {
      o.keep = true;
      continue;
    }
    if (flag.rfind("--", 0) != 0) return bad("unexpected argument '" + flag + "'");
    if (i + 1 >= args.size()) return bad(flag + " needs a value");
    const std::string& v = args[++i];
    if (flag == "--endpoint") {
      o.endpoint = v;
    } else if (flag == "--access-key") {
      o.access_key = v;
    } else if (flag == "--secret-key") {
      o.secret_key = v;
    } else if (flag == "--region") {
      o.region = v;
    } else if (flag == "--bucket") {
      o.bucket = v;
    } else if (flag == "--json") {
      o.json_path = v;
    } else if (flag == "--histogram") {
      o.histogram_path = v;
    } else if (flag == "--workload") {
      static const std::pair<const char*, Workload> kWorkloads[] = {{"put", Workload::kPut},
                                                                    {"get", Workload::kGet},
                                                                    {"mixed", Workload::kMixed},
                                                                    {"list", Workload::kList},
                                                                    {"delete", Workload::kDelete}};
      bool known = false;
      for (const auto& [name, w] : kWorkloads) {
        if (v == name) {
          o.workload = w;
          known = true;
        }
      }
      if (!known) return bad("--workload must be put, get, mixed, list or delete, not '" + v + "'");
    } else if (flag == "--size") {
      std::optional<uint64_t> s = ParseSize(v);
      if (!s || *s == 0) return bad("--size: not a size: '" + v + "' (e.g. 4KiB, 1MiB)");
      o.min_size = o.max_size = *s;
    } else if (flag == "--size-dist") {
      if (v == "fixed") continue;  // the --size given stays fixed
      const std::string prefix = "uniform:";
      size_t dash = v.find('-', prefix.size());
      if (v.rfind(prefix, 0) != 0 || dash == std::string::npos) {
        return bad("--size-dist must be fixed or uniform:MIN-MAX, not '" + v + "'");
      }
      std::optional<uint64_t> lo =
          ParseSize(std::string_view(v).substr(prefix.size(), dash - prefix.size()));
      std::optional<uint64_t> hi = ParseSize(std::string_view(v).substr(dash + 1));
      if (!lo || !hi || *lo == 0 || *lo > *hi) return bad("--size-dist: bad range '" + v + "'");
      o.min_size = *lo;
      o.max_size = *hi;
    } else if (flag == "--duration" || flag == "--warmup") {
      std::optional<double> d = ParseDuration(v);
      if (!d) return bad(flag + ": not a duration: '" + v + "' (e.g. 10s, 2m)");
      if (flag == "--duration") {
        o.duration_seconds = *d;
        duration_given = true;
      } else {
        o.warmup_seconds = *d;
      }
    } else if (flag == "--concurrency" || flag == "--operations" || flag == "--objects" ||
               flag == "--mix" || flag == "--versions") {
      std::optional<int64_t> n = ParseInt(v);
      if (!n || *n < 0) return bad(flag + ": not a count: '" + v + "'");
      if (flag == "--concurrency") {
        if (*n < 1 || *n > 4096) return bad("--concurrency must be 1..4096");
        o.concurrency = static_cast<int>(*n);
      } else if (flag == "--operations") {
        o.operations = static_cast<uint64_t>(*n);
      } else if (flag == "--objects") {
        o.objects = static_cast<uint64_t>(*n);
      } else if (flag == "--versions") {
        if (*n < 1 || *n > 1000) return bad("--versions must be 1..1000");
        o.versions = static_cast<uint64_t>(*n);
      } else {
        if (*n > 100) return bad("--mix is the percentage of GETs, 0..100");
        o.mix_get_percent = static_cast<int>(*n);
      }
    } else {
      return bad("unknown flag '" + flag + "'");
    }
  }
  if (o.help) return o;
  // --operations alone bounds the run by the count; a duration given too bounds it by both.
  if (o.operations > 0 && !duration_given) o.duration_seconds = 0;
  if (o.duration_seconds <= 0 && o.operations == 0) {
    return bad("give a positive --duration or --operations, or the run would never end");
  }
  if (o.access_key.empty()) o.access_key = env_access_key;
  if (o.secret_key.empty()) o.secret_key = env_secret_key;
  if (o.endpoint.empty()) return bad("--endpoint is required (e.g. http://127.0.0.1:9000)");
  if (o.access_key.empty() || o.secret_key.empty()) {
    return bad(
        "--access-key and --secret-key are required (or CAIRN_ROOT_ACCESS_KEY and "
        "CAIRN_ROOT_SECRET_KEY)");
  }
  if (o.bucket.empty()) return bad("--bucket must not be empty");
  if (o.versions > 1 && (o.workload == Workload::kPut || o.workload == Workload::kDelete)) {
    return bad("--versions prepares versioned objects for get, mixed and list");
  }
  if (o.objects == 0) {
    // Enough distinct keys that GETs do not all hit one object, few enough to PUT quickly.
    uint64_t budget = 256ull << 20;  // bytes to prepare at most, by default
    o.objects = std::clamp<uint64_t>(budget / o.max_size, 8, 1000);
    if (o.workload == Workload::kDelete) o.objects = 10000;
  }
  return o;
}

std::string BenchUsage() {
  return "usage: cairn bench --endpoint URL [--access-key K --secret-key S] [options]\n"
         "  S3 load generator (SigV4, path-style); prints a table, optional JSON and SVG.\n"
         "  --workload put|get|mixed|list|delete   (default put)\n"
         "  --size 4KiB            object size (default 4KiB)\n"
         "  --size-dist fixed|uniform:1KiB-64KiB\n"
         "  --concurrency 16       parallel clients, one keep-alive connection each\n"
         "  --duration 10s         measured time (after the warm-up)\n"
         "  --operations N         stop after N measured operations\n"
         "  --warmup 2s            load before measuring, not counted\n"
         "  --bucket cairn-bench   created if missing\n"
         "  --objects N            objects PUT first for get/mixed/list/delete\n"
         "  --versions N           get/mixed/list: a versioned bucket, each object PUT N times\n"
         "                         first (the bucket and its versions are kept)\n"
         "  --mix 70               mixed: percentage of GETs (the rest are PUTs)\n"
         "  --json FILE            every number, as JSON\n"
         "  --histogram FILE.svg   latency histogram\n"
         "  --region us-east-1     signing region\n"
         "  --keep                 leave the objects behind\n"
         "  Credentials default to CAIRN_ROOT_ACCESS_KEY / CAIRN_ROOT_SECRET_KEY.\n";
}

}  // namespace cairn::bench
