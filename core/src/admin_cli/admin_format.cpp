#include "admin_cli/admin_format.h"

#include "util/clock.h"

#include <algorithm>
#include <cstdio>

namespace cairn::admin_cli {

namespace {

std::string Printf(const char* format, auto... args) {
  char buf[256];
  std::snprintf(buf, sizeof(buf), format, args...);
  return buf;
}

// Whole percent, rounded down so that 100% means done, clamped for a total that grew.
int Percent(int64_t part, int64_t total) {
  if (total <= 0) return 0;
  return static_cast<int>(std::clamp<int64_t>(part * 100 / total, 0, 100));
}

std::string Plural(int64_t n, const char* one, const char* many) {
  return std::to_string(n) + " " + (n == 1 ? one : many);
}

std::string PadRight(const std::string& s, size_t width) {
  return s.size() >= width ? s : s + std::string(width - s.size(), ' ');
}

}  // namespace

std::string HumanBytes(int64_t bytes) {
  static const char* kUnits[] = {"B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"};
  if (bytes < 1024) return std::to_string(bytes) + " B";
  double v = static_cast<double>(bytes);
  int unit = 0;
  while (v >= 1024 && unit < 6) {
    v /= 1024;
    ++unit;
  }
  const char* format = v < 10 ? "%.2f %s" : v < 100 ? "%.1f %s" : "%.0f %s";
  return Printf(format, v, kUnits[unit]);
}

std::string ProgressBar(const ScrubStatus& s, int width) {
  std::string line;
  if (s.objects_total > 0) {
    int done = Percent(s.objects_checked, s.objects_total) * width / 100;
    line = "[" + std::string(done, '#') + std::string(width - done, '.') + "] " +
           Printf("%3d%%  ", Percent(s.objects_checked, s.objects_total)) +
           std::to_string(s.objects_checked) + "/" + std::to_string(s.objects_total) + " objects";
  } else {
    line = "scrubbing: " + Plural(s.objects_checked, "object", "objects");
  }
  line += "  " + std::to_string(s.shards_repaired) + " repaired  " + HumanBytes(s.bytes_verified);
  if (!s.unrecoverable.empty()) line += "  " + std::to_string(s.unrecoverable.size()) + " LOST";
  return line;
}

std::string ProgressLine(const ScrubStatus& s) {
  std::string line = "scrub: " + std::to_string(s.objects_checked);
  if (s.objects_total > 0) {
    line += "/" + std::to_string(s.objects_total) + " objects (" +
            std::to_string(Percent(s.objects_checked, s.objects_total)) + "%)";
  } else {
    line += " objects";
  }
  line += ", " + Plural(s.shards_repaired, "shard", "shards") + " repaired, " +
          HumanBytes(s.bytes_verified) + " verified";
  if (!s.unrecoverable.empty()) {
    line += ", " + std::to_string(s.unrecoverable.size()) + " unrecoverable";
  }
  return line;
}

bool ScrubSucceeded(const ScrubStatus& s) { return s.unrecoverable.empty() && s.errors.empty(); }

std::string ScrubSummary(const ScrubStatus& s) {
  std::string out = "scrub pass " + std::string(s.running ? "still running" : "finished");
  out += s.bucket.empty() ? " (all buckets)" : " (bucket " + s.bucket + ")";
  if (!s.running && s.finished_ms > s.started_ms && s.started_ms > 0) {
    out += Printf(" in %.1f s", (s.finished_ms - s.started_ms) / 1000.0);
  }
  out += "\n";
  auto row = [&out](const char* name, const std::string& value) {
    out += "  " + PadRight(name, 18) + value + "\n";
  };
  std::string checked = std::to_string(s.objects_checked);
  if (s.objects_total > 0) checked += " of " + std::to_string(s.objects_total);
  row("objects checked", checked);
  row("shards checked", std::to_string(s.shards_checked));
  row("shards repaired", std::to_string(s.shards_repaired));
  row("orphans removed", std::to_string(s.orphans_removed));
  row("bytes verified",
      HumanBytes(s.bytes_verified) + " (" + std::to_string(s.bytes_verified) + " bytes)");
  row("unrecoverable", std::to_string(s.unrecoverable.size()));
  for (const std::string& name : s.unrecoverable) out += "    " + name + "\n";
  if (!s.errors.empty()) {
    row("errors", std::to_string(s.errors.size()));
    for (const std::string& e : s.errors) out += "    " + e + "\n";
  }
  if (ScrubSucceeded(s)) {
    out += "OK: every object checked is intact\n";
  } else if (!s.unrecoverable.empty()) {
    out += "FAILED: " + Plural(static_cast<int64_t>(s.unrecoverable.size()), "object", "objects") +
           " could not be repaired (fewer than k intact shards left)\n";
  } else {
    out += "FAILED: the pass reported errors; objects it could not check may be damaged\n";
  }
  return out;
}

namespace {

// Rows with a header, columns padded to their widest cell (the last one is not padded).
std::string Table(const std::vector<std::vector<std::string>>& rows) {
  std::vector<size_t> width(rows[0].size(), 0);
  for (const auto& r : rows) {
    for (size_t c = 0; c < r.size(); ++c) width[c] = std::max(width[c], r[c].size());
  }
  std::string out;
  for (const auto& r : rows) {
    std::string line;
    for (size_t c = 0; c < r.size(); ++c) {
      line += c + 1 == r.size() ? r[c] : PadRight(r[c], width[c] + 2);
    }
    out += line + "\n";
  }
  return out;
}

std::string Usage(int64_t total, int64_t free) {
  int64_t used = std::max<int64_t>(0, total - free);
  std::string space = HumanBytes(used) + " / " + HumanBytes(total);
  if (total > 0) space += " (" + std::to_string(Percent(used, total)) + "%)";
  return space;
}

std::string RebalanceLine(const RebalanceStatus& r) {
  const std::string moved = std::to_string(r.shards_moved) + " of " +
                            std::to_string(r.shards_misplaced) + " misplaced shards moved (" +
                            HumanBytes(r.bytes_moved) + "), " + Plural(r.errors, "error", "errors");
  if (r.state == "running") {
    return "rebalance: running on " + r.gateway + ": " + std::to_string(r.records_checked) + "/" +
           std::to_string(r.records_total) + " records checked (" +
           std::to_string(Percent(r.records_checked, r.records_total)) + "%), " + moved + "\n";
  }
  if (r.state == "waiting") return "rebalance: waiting: " + r.detail + "\n";
  if (r.started_ms == 0) return "rebalance: no pass has run yet\n";
  return "rebalance: idle; last pass " + moved + (r.detail.empty() ? "" : "; " + r.detail) + "\n";
}

}  // namespace

std::string ClusterTable(const ClusterStatus& s) {
  std::vector<std::vector<std::string>> rows = {
      {"NODE", "ZONE", "STATE", "HEALTH", "DRIVES", "WEIGHT", "USED / TOTAL", "URL"}};
  size_t drives = 0, healthy = 0;
  std::vector<std::string> zones;
  for (const ClusterNode& n : s.nodes) {
    int64_t total = 0, free = 0;
    size_t up = 0;
    for (const DriveInfo& d : n.drives) {
      total += d.total_bytes;
      free += d.free_bytes;
      up += d.healthy;
    }
    drives += n.drives.size();
    healthy += up;
    if (std::find(zones.begin(), zones.end(), n.zone) == zones.end()) zones.push_back(n.zone);
    std::string health = n.drives.empty()       ? "UNREACHABLE"
                         : up == n.drives.size() ? "healthy"
                         : up == 0               ? "DOWN"
                                                 : "DEGRADED";
    rows.push_back({n.name, n.zone.empty() ? "-" : n.zone, n.state.empty() ? "-" : n.state, health,
                    std::to_string(up) + "/" + std::to_string(n.drives.size()),
                    Printf("%g", n.weight), Usage(total, free), n.url.empty() ? "-" : n.url});
  }
  std::string out = Table(rows);
  out += Plural(static_cast<int64_t>(s.nodes.size()), "node", "nodes") + " in " +
         Plural(static_cast<int64_t>(zones.size()), "zone", "zones") + ", " +
         std::to_string(healthy) + " of " + std::to_string(drives) + " drives healthy\n";
  if (s.clustered) {
    out += RebalanceLine(s.rebalance);
  } else {
    out += "local drives only: no cluster map (transport local)\n";
  }
  return out;
}

std::string DrivesTable(const std::vector<DriveInfo>& drives) {
  std::vector<std::vector<std::string>> rows = {{"ID", "NODE", "ZONE", "HEALTH", "USED / TOTAL"}};
  for (const DriveInfo& d : drives) {
    rows.push_back({d.id, d.node, d.zone.empty() ? "-" : d.zone, d.healthy ? "healthy" : "FAILED",
                    Usage(d.total_bytes, d.free_bytes)});
  }
  std::string out = Table(rows);
  size_t healthy =
      std::count_if(drives.begin(), drives.end(), [](const DriveInfo& d) { return d.healthy; });
  out += std::to_string(drives.size()) + " drives, " + std::to_string(healthy) + " healthy\n";
  return out;
}

std::string LifecycleReport(const LifecycleStatus& s, bool just_ran) {
  if (s.started_ms == 0) {
    return std::string("no lifecycle pass has run yet") +
           (s.due_now >= 0 ? "; keys due now: " + std::to_string(s.due_now) : "") + "\n";
  }
  std::string out = just_ran ? "lifecycle pass finished" : "lifecycle pass " + s.state;
  out += " (" + s.gateway + ", evaluated as of " + Iso8601(s.at_ms) + ")\n";
  auto line = [&out](const char* name, int64_t v) {
    out += std::string("  ") + name + ": " + std::to_string(v) + "\n";
  };
  line("keys evaluated", s.keys_evaluated);
  line("objects expired", s.objects_expired);
  line("noncurrent versions deleted", s.versions_deleted);
  line("delete markers removed", s.delete_markers_removed);
  out += "  transitions: " + std::to_string(s.transitions) + " (" +
         HumanBytes(s.bytes_transitioned) + ")\n";
  line("uploads aborted", s.uploads_aborted);
  line("kept by object lock", s.locked_skipped);
  line("buckets walked after a rule change", s.buckets_scanned);
  line("errors", s.errors);
  if (!s.last_error.empty()) out += "  last error: " + s.last_error + "\n";
  if (s.due_now >= 0) line("keys due now", s.due_now);
  return out;
}

}  // namespace cairn::admin_cli
