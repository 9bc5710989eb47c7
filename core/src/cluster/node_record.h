// NodeRecord: one storage node of the cluster map, as kept under "n/<name>" in the metadata
// engine. Stored as JSON rather than in the binary record format of the S3 model: the map is
// small, changes rarely, and an operator reading etcd directly should be able to read it.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/status.h"

namespace cairn {

// "active": takes new shards. "draining": keeps serving what it holds, takes nothing new,
// and the rebalancer moves its shards away; once it holds none it can be removed.
inline constexpr const char* kNodeActive = "active";
inline constexpr const char* kNodeDraining = "draining";

struct NodeRecord {
  std::string name;  // as the node reports itself (its drives' `node`)
  std::string url;   // how gateways reach it
  std::string zone;
  double weight = 1.0;  // placement weight, multiplied into its drives' capacity weight
  std::string state = kNodeActive;
  int64_t added_ms = 0;
  std::vector<std::string> drives;  // drive ids the node reported when it was added
};

std::string Encode(const NodeRecord& r);
// Corruption for anything but a JSON object with a name, a url and a known state.
Status Decode(std::string_view json, NodeRecord* r);

}  // namespace cairn
