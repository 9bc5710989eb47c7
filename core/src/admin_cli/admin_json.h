// The admin API's JSON replies as values: the state of a scrub pass, the drive list, the repair
// queue, the cluster. Parsing is lenient about missing fields (they read as zero or empty, so an older
// server still works) and strict about wrong types. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/status.h"

namespace cairn::admin_cli {

// GET /_cairn/admin/scrub: the pass running now, or the last one.
struct ScrubStatus {
  bool running = false;
  std::string bucket;  // "" when the pass covers every bucket
  int64_t objects_total = 0;
  int64_t objects_checked = 0;
  int64_t shards_checked = 0;
  int64_t shards_repaired = 0;
  int64_t orphans_removed = 0;
  int64_t bytes_verified = 0;
  std::vector<std::string> unrecoverable;  // "bucket/key"
  std::vector<std::string> errors;
  int64_t started_ms = 0;   // Unix milliseconds; 0 when no pass ever ran
  int64_t finished_ms = 0;  // 0 while running
};

struct DriveInfo {
  std::string id;
  std::string node;
  std::string zone;
  std::string path;
  bool healthy = false;
  int64_t total_bytes = 0;
  int64_t free_bytes = 0;
};

// GET /_cairn/admin/cluster: the cluster map with each node's drives, and the rebalancer.
struct ClusterNode {
  std::string name;
  std::string url;  // "" without a cluster map (local drives)
  std::string zone;
  double weight = 1.0;
  std::string state;  // "active" or "draining"
  std::vector<DriveInfo> drives;
};
struct RebalanceStatus {
  std::string state;  // "idle", "running" or "waiting"
  std::string detail;
  std::string gateway;
  int64_t records_total = 0;
  int64_t records_checked = 0;
  int64_t shards_misplaced = 0;
  int64_t shards_moved = 0;
  int64_t bytes_moved = 0;
  int64_t errors = 0;
  int64_t started_ms = 0;   // 0 before the first pass
  int64_t finished_ms = 0;  // 0 while running
};
struct ClusterStatus {
  bool clustered = false;
  std::vector<ClusterNode> nodes;
  RebalanceStatus rebalance;
};

// GET /_cairn/admin/lifecycle and POST .../lifecycle/run: the last (or this) lifecycle pass.
struct LifecycleStatus {
  std::string state;  // "running" or "idle"
  std::string gateway;
  int64_t at_ms = 0;  // the time the pass evaluated as
  int64_t started_ms = 0;
  int64_t finished_ms = 0;
  int64_t keys_evaluated = 0;
  int64_t objects_expired = 0;
  int64_t versions_deleted = 0;
  int64_t delete_markers_removed = 0;
  int64_t transitions = 0;
  int64_t bytes_transitioned = 0;
  int64_t uploads_aborted = 0;
  int64_t locked_skipped = 0;
  int64_t errors = 0;
  std::string last_error;
  int64_t buckets_scanned = 0;
  int64_t due_now = -1;  // status only
};

// Corruption("malformed reply from the server: ...") when `json` is not the expected shape.
Result<ScrubStatus> ParseScrubStatus(std::string_view json);
Result<std::vector<DriveInfo>> ParseDrives(std::string_view json);
Result<ClusterStatus> ParseClusterStatus(std::string_view json);
Result<LifecycleStatus> ParseLifecycleStatus(std::string_view json);
// GET /_cairn/admin/repair: the number of objects waiting.
Result<int64_t> ParseRepairQueued(std::string_view json);
// The "error" member of an error reply, or "" when there is none.
std::string ParseErrorMessage(std::string_view json);

}  // namespace cairn::admin_cli
