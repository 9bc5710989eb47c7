// Shard names: what the local transport accepts as a file name under <drive>/shards/.
//
// A name is 1 to kMaxShardNameBytes bytes of [0-9a-z._/-], with no leading '/', no empty
// segment (so no "//" and no trailing '/'), no "." segment and no ".." anywhere: it can never
// leave the shards directory nor alias another name. Thread-safe (pure functions).
#pragma once

#include <cstddef>
#include <string_view>

#include "cairn/status.h"

namespace cairn::transport {

inline constexpr size_t kMaxShardNameBytes = 200;

// InvalidArgument naming the problem, or OK.
Status ValidateShardName(std::string_view name);

// A List prefix: the same alphabet, at most kMaxShardNameBytes, no leading '/', no "..";
// it may be empty and may end in the middle of a segment or with '/'.
Status ValidateShardPrefix(std::string_view prefix);

}  // namespace cairn::transport
