// NodeTarget: what a storage-node request addresses, parsed from its raw target.
//
//   GET /health                     liveness (the only request served unsigned)
//   GET /drives                     the drives of this node (JSON)
//   GET /shards/<drive>/?prefix=P   list shards (text: "size mtime name" lines)
//   PUT|GET|HEAD|DELETE /shards/<drive>/<shard name>
//
// Drive ids and shard names are percent-decoded here; the transport validates them.
// Thread-safe (pure function).
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn {

struct NodeTarget {
  enum class Kind { kHealth, kDrives, kList, kShard };
  Kind kind = Kind::kHealth;
  std::string drive;
  std::string shard;   // kShard
  std::string prefix;  // kList
};

// NotFound for a path no route serves, InvalidArgument for a malformed one.
Result<NodeTarget> ParseNodeTarget(const std::string& uri);

}  // namespace cairn
