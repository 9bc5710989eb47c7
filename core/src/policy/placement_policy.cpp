#include "policy/placement_policy.h"

#include <algorithm>
#include <cstdint>
#include <limits>
#include <thread>
#include <unordered_map>
#include <unordered_set>
#include <utility>

#include "policy/lua_value.h"

namespace cairn::policy {
namespace {

constexpr int kMaxShards = 256;
constexpr size_t kMaxDefaultSandboxes = 8;

LuaValue Bytes(uint64_t value) {
  // Lua integers are signed 64-bit; no real size comes near the clamp.
  constexpr uint64_t kMax = static_cast<uint64_t>(std::numeric_limits<int64_t>::max());
  return LuaValue::Integer(static_cast<int64_t>(std::min(value, kMax)));
}

std::vector<LuaValue> PlaceArguments(const PlacementRequest& request,
                                     const std::vector<DriveInfo>& drives) {
  LuaValue object = LuaValue::Table();
  object.Set("bucket", LuaValue::String(request.bucket))
      .Set("key", LuaValue::String(request.key))
      .Set("size", Bytes(request.size))
      .Set("storage_class", LuaValue::String(request.storage_class))
      .Set("k", LuaValue::Integer(request.k))
      .Set("m", LuaValue::Integer(request.m));
  LuaValue list = LuaValue::Table();
  for (const DriveInfo& drive : drives) {
    LuaValue d = LuaValue::Table();
    d.Set("id", LuaValue::String(drive.id))
        .Set("node", LuaValue::String(drive.node))
        .Set("zone", LuaValue::String(drive.zone))
        // A draining drive must take nothing new: the script sees it as not healthy, so
        // scripts written before draining existed still do the right thing.
        .Set("healthy", LuaValue::Boolean(drive.writable()))
        .Set("draining", LuaValue::Boolean(drive.draining))
        .Set("weight", LuaValue::Number(drive.weight))
        .Set("free_bytes", Bytes(drive.free_bytes))
        .Set("total_bytes", Bytes(drive.total_bytes));
    list.Append(std::move(d));
  }
  LuaValue cluster = LuaValue::Table();
  cluster.Set("drives", std::move(list));
  std::vector<LuaValue> args;
  args.push_back(std::move(object));
  args.push_back(LuaValue::Integer(request.chunk));
  args.push_back(std::move(cluster));
  return args;
}

Status NotEnoughDrives(int need, int have, const std::string& detail) {
  std::string message =
      "not enough healthy drives: need " + std::to_string(need) + ", have " + std::to_string(have);
  if (!detail.empty()) {
    message += " (" + detail + ")";
  }
  return Status::Unavailable(std::move(message));
}

}  // namespace

Result<std::unique_ptr<PlacementPolicy>> PlacementPolicy::Load(const std::string& script_path,
                                                               const SandboxLimits& limits,
                                                               SandboxLogFn log,
                                                               size_t max_sandboxes) {
  if (max_sandboxes == 0) {
    max_sandboxes =
        std::clamp<size_t>(std::thread::hardware_concurrency(), 1, kMaxDefaultSandboxes);
  }
  SandboxOptions options{limits, std::move(log)};
  Result<std::unique_ptr<SandboxPool>> pool =
      SandboxPool::Create(script_path, options, max_sandboxes, {"place"});
  if (!pool.ok()) {
    return pool.status();
  }
  return std::unique_ptr<PlacementPolicy>(new PlacementPolicy(std::move(pool.value())));
}

Result<std::vector<std::string>> PlacementPolicy::Place(const PlacementRequest& request,
                                                        const std::vector<DriveInfo>& drives) {
  if (request.k < 1 || request.m < 0 || request.k + request.m > kMaxShards) {
    return Status::InvalidArgument(
        "placement needs k >= 1, m >= 0 and k + m <= " + std::to_string(kMaxShards) +
        ", got k=" + std::to_string(request.k) + " m=" + std::to_string(request.m));
  }
  const int need = request.k + request.m;
  std::unordered_map<std::string, const DriveInfo*> by_id;
  int healthy = 0;
  for (const DriveInfo& drive : drives) {
    by_id[drive.id] = &drive;
    healthy += drive.writable() ? 1 : 0;
  }
  const std::string& script = pool_->script_path();

  Result<SandboxPool::Lease> lease = pool_->Acquire();
  if (!lease.ok()) {
    return lease.status();
  }
  Result<LuaValue> result = lease.value().sandbox().Call("place", PlaceArguments(request, drives));
  if (!result.ok()) {
    lease.value().Discard();
    if (healthy < need) {
      return NotEnoughDrives(need, healthy, result.status().message());
    }
    return result.status();
  }

  const LuaValue& ids = result.value();
  if (!ids.is_table() || !ids.fields().empty()) {
    return Status::Internal(script + ": place() must return an array of drive ids, got " +
                            (ids.is_table() ? "a table with string keys" : ids.TypeName()));
  }
  const int count = static_cast<int>(ids.array().size());
  if (count < need && healthy < need) {
    return NotEnoughDrives(need, healthy, "");
  }
  if (count != need) {
    return Status::Internal(script + ": place() returned " + std::to_string(count) +
                            " drive ids, expected k+m = " + std::to_string(need));
  }
  std::vector<std::string> placement;
  placement.reserve(need);
  std::unordered_set<std::string> seen;
  for (int i = 0; i < count; ++i) {
    const LuaValue& id = ids.array()[i];
    const std::string where = script + ": place() result[" + std::to_string(i + 1) + "]";
    if (!id.is_string()) {
      return Status::Internal(where + " is a " + id.TypeName() + ", expected a drive id string");
    }
    auto drive = by_id.find(id.string());
    if (drive == by_id.end()) {
      return Status::Internal(where + " is an unknown drive id '" + id.string() + "'");
    }
    if (!drive->second->writable()) {
      return Status::Internal(where + " is drive '" + id.string() + "', which is " +
                              (drive->second->draining ? "draining" : "not healthy"));
    }
    if (!seen.insert(id.string()).second) {
      return Status::Internal(where + " repeats drive id '" + id.string() + "'");
    }
    placement.push_back(id.string());
  }
  return placement;
}

}  // namespace cairn::policy
