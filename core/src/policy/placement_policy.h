// PlacementPolicy: asks a Lua placement script (scripts/lua/placement.lua by default) which
// drives hold the k+m shards of one stripe, and checks the answer before the data path uses it.
//
// The script defines a global function
//   place(object, chunk, cluster) -> { drive_id, ... }   -- exactly k+m ids, shard 0 first
// with object = {bucket, key, size, storage_class, k, m}, chunk = the chunk number and
// cluster = {drives = {{id, node, zone, healthy, draining, weight, free_bytes, total_bytes},
// ...}}. The script sees every drive, healthy or not; it may only choose healthy ones (a
// draining node's drives show as not healthy). See docs/lua-policy.md.
//
// What Place returns:
// - the ids, when the script returns k+m distinct ids of healthy drives from the given list;
// - Unavailable "not enough healthy drives: need N, have M" when fewer than k+m of the given
//   drives are healthy and the script fails or returns fewer than k+m ids (the default policy
//   raises an error then): no policy could place the stripe, so the write must wait;
// - Internal, with a message naming the script (and line, when Lua knows it), for any other
//   failure: a runtime error, an exhausted limit, or a wrong result (count, duplicate, unknown
//   or unhealthy id, a non-string). The write is refused; nothing is lost.
//
// Thread-safe: calls run concurrently on a pool of sandboxes (see sandbox_pool.h for why).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "cairn/status.h"
#include "cairn/transport.h"
#include "policy/lua_sandbox.h"
#include "policy/sandbox_pool.h"

namespace cairn::policy {

struct PlacementRequest {
  std::string bucket;
  std::string key;
  std::string storage_class;
  uint64_t size = 0;   // the whole object's size in bytes
  uint32_t chunk = 0;  // which chunk of the object this stripe belongs to
  int k = 0;           // data shards
  int m = 0;           // parity shards
};

class PlacementPolicy {
 public:
  // Loads and checks the script: a syntax error, a top-level runtime error or a missing `place`
  // function fails here (InvalidArgument naming the file), so a broken policy stops startup.
  // max_sandboxes 0 means one per hardware thread, at most 8.
  static Result<std::unique_ptr<PlacementPolicy>> Load(const std::string& script_path,
                                                       const SandboxLimits& limits = {},
                                                       SandboxLogFn log = nullptr,
                                                       size_t max_sandboxes = 0);

  // The drive ids for shards 0..k+m-1 of one stripe. REQUIRES: k >= 1, m >= 0.
  Result<std::vector<std::string>> Place(const PlacementRequest& request,
                                         const std::vector<DriveInfo>& drives);

  const std::string& script_path() const { return pool_->script_path(); }

 private:
  explicit PlacementPolicy(std::unique_ptr<SandboxPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<SandboxPool> pool_;
};

}  // namespace cairn::policy
