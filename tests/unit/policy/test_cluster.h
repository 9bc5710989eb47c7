// Test helpers: synthetic cluster maps and the path of the default placement script.
#pragma once

#include <string>
#include <vector>

#include "cairn/transport.h"

namespace cairn::policy::testing {

inline std::string DefaultPlacementScript() {
  return std::string(CAIRN_SOURCE_DIR) + "/scripts/lua/placement.lua";
}

// `zones` zones of `per_zone` drives each, ids "d01", "d02", ...; every drive on its own node
// unless drives_per_node > 1. All healthy, 4 TiB each.
inline std::vector<DriveInfo> MakeDrives(int zones, int per_zone, int drives_per_node = 1) {
  std::vector<DriveInfo> drives;
  for (int z = 0; z < zones; ++z) {
    for (int i = 0; i < per_zone; ++i) {
      int n = static_cast<int>(drives.size()) + 1;
      DriveInfo d;
      d.id = (n < 10 ? "d0" : "d") + std::to_string(n);
      d.node = "z" + std::to_string(z + 1) + "-n" + std::to_string(i / drives_per_node + 1);
      d.zone = "zone-" + std::to_string(z + 1);
      d.path = "/data/" + d.id;
      d.healthy = true;
      d.total_bytes = uint64_t{4} << 40;
      d.free_bytes = uint64_t{3} << 40;
      drives.push_back(d);
    }
  }
  return drives;
}

inline DriveInfo MakeDrive(const std::string& id, const std::string& node,
                           const std::string& zone) {
  DriveInfo d;
  d.id = id;
  d.node = node;
  d.zone = zone;
  d.healthy = true;
  d.total_bytes = uint64_t{4} << 40;
  d.free_bytes = uint64_t{3} << 40;
  return d;
}

}  // namespace cairn::policy::testing
