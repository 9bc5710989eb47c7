// What `cairn admin` prints: byte sizes, scrub progress (a bar for a terminal, plain lines for
// logs), the end-of-pass summary, the drive table and the cluster table. Pure functions; thread-safe.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "admin_cli/admin_json.h"

namespace cairn::admin_cli {

// Binary units, three significant digits: "512 B", "1.50 KiB", "12.3 GiB".
std::string HumanBytes(int64_t bytes);

// One terminal line without a newline, redrawn in place with '\r':
// "[#########...........]  45%  1234/2742 objects  3 repaired  1.20 GiB".
// `width` is the width of the bar itself. Before the server knows the object total, the bar
// is replaced by the count alone.
std::string ProgressBar(const ScrubStatus& status, int width);
// One line for a log or a pipe: "scrub: 1234/2742 objects (45%), 3 shards repaired, ...".
std::string ProgressLine(const ScrubStatus& status);

// True when the pass left nothing unrepaired: no unrecoverable object and no error.
bool ScrubSucceeded(const ScrubStatus& status);
// Multi-line summary of a finished pass, ending with a verdict line and a newline.
std::string ScrubSummary(const ScrubStatus& status);

// A table with a header row: ID NODE ZONE HEALTH USED/TOTAL, columns sized to their content.
std::string DrivesTable(const std::vector<DriveInfo>& drives);

// The cluster: one row per node (NODE ZONE STATE HEALTH DRIVES WEIGHT USED/TOTAL URL), a
// totals line, and a line on the rebalancer.
std::string ClusterTable(const ClusterStatus& status);

// `cairn admin lifecycle status` / `run`: what the pass did, its last error, what is due.
std::string LifecycleReport(const LifecycleStatus& status, bool just_ran);

}  // namespace cairn::admin_cli
