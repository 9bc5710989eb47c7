// Fuzz target: the Lua policy sandbox and its value bridge (core/src/policy/: lua_sandbox.h,
// lua_value_bridge.h, placement_policy.h).
//
// The input is a Lua chunk, run as an operator's placement script would be: loaded into a
// sandbox with small memory and instruction limits, then its place() is called with a fixed
// cluster of 12 drives (two unhealthy, one draining) for k=6, m=3. Two paths:
// - the sandbox directly (LuaSandbox::LoadSource, Call): whatever place() returns and the
//   bridge accepts must push back onto a fresh Lua stack and read back as the same value;
// - the whole policy (PlacementPolicy::Load on the script written to a temp file, then Place):
//   an answer it accepts is exactly k+m distinct ids of writable drives from the list, and a
//   refusal is Unavailable, Internal or InvalidArgument with a message naming the script.
#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdlib>
#include <fstream>
#include <lua5.4/lua.hpp>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/transport.h"
#include "fuzz_util.h"
#include "policy/lua_sandbox.h"
#include "policy/lua_value.h"
#include "policy/lua_value_bridge.h"
#include "policy/placement_policy.h"

namespace {

using namespace cairn;
using namespace cairn::policy;

constexpr char kScriptName[] = "fuzz.lua";

// A call into a C function is one VM instruction, so the instruction budget alone did not
// bound time; the fuzzer found two forms within minutes, now bounded by the sandbox itself:
// - a backtracking pattern (corpus/lua_policy/timeout-pattern-backtracking: 420 'a's against
//   "a*a*a*a*b" ran for minutes): refused before matching (policy/lua_pattern_bound.h);
// - a loop whose every step copies a large string (corpus/lua_policy/timeout-string-copy-loop:
//   x = string.rep("x", 1e6) .. i a million times ran past 300 s): stopped by the allocation
//   budget per call.
// The limits are small so that each input costs little under ASan; scripts/lua/placement.lua
// needs far less for 12 drives.
SandboxOptions Options() {
  SandboxOptions options;
  options.limits.memory_bytes = 512u << 10;
  options.limits.instructions_per_call = 10'000;
  options.limits.allocation_bytes_per_call = 8u << 20;
  options.log = [](const std::string&) {};  // cairn.log lines are dropped
  return options;
}

const std::vector<DriveInfo>& Drives() {
  static const std::vector<DriveInfo> drives = [] {
    std::vector<DriveInfo> out;
    for (int i = 0; i < 12; ++i) {
      DriveInfo d;
      d.id = "d" + std::to_string(i);
      d.node = "n" + std::to_string(i / 3);
      d.zone = "zone-" + std::string(1, static_cast<char>('a' + i % 3));
      d.path = "/drives/" + d.id;
      d.healthy = i != 4 && i != 9;
      d.draining = i == 7;
      d.total_bytes = (uint64_t{1} << 40) + static_cast<uint64_t>(i) * (1 << 30);
      d.free_bytes = d.total_bytes / 2;
      out.push_back(d);
    }
    return out;
  }();
  return drives;
}

PlacementRequest Request() {
  PlacementRequest r;
  r.bucket = "bucket";
  r.key = "key";
  r.storage_class = "STANDARD";
  r.size = 123456789;
  r.chunk = 2;
  r.k = 6;
  r.m = 3;
  return r;
}

// The arguments place() gets, as placement_policy.cpp builds them (a subset of the fields is
// enough to exercise the bridge; the full set goes through Place below).
std::vector<LuaValue> PlaceArguments() {
  LuaValue object = LuaValue::Table();
  object.Set("bucket", LuaValue::String("bucket"))
      .Set("key", LuaValue::String("key"))
      .Set("k", LuaValue::Integer(6))
      .Set("m", LuaValue::Integer(3));
  LuaValue list = LuaValue::Table();
  for (const DriveInfo& d : Drives()) {
    LuaValue drive = LuaValue::Table();
    drive.Set("id", LuaValue::String(d.id))
        .Set("zone", LuaValue::String(d.zone))
        .Set("healthy", LuaValue::Boolean(d.writable()))
        .Set("weight", LuaValue::Number(d.weight));
    list.Append(std::move(drive));
  }
  LuaValue cluster = LuaValue::Table();
  cluster.Set("drives", std::move(list));
  return {object, LuaValue::Integer(2), cluster};
}

bool Equal(const LuaValue& a, const LuaValue& b) {
  if (a.type() != b.type()) return false;
  switch (a.type()) {
    case LuaValue::Type::kNil:
      return true;
    case LuaValue::Type::kBoolean:
      return a.boolean() == b.boolean();
    case LuaValue::Type::kInteger:
      return a.integer() == b.integer();
    case LuaValue::Type::kNumber:
      return a.number() == b.number() || (std::isnan(a.number()) && std::isnan(b.number()));
    case LuaValue::Type::kString:
      return a.string() == b.string();
    case LuaValue::Type::kTable:
      if (a.array().size() != b.array().size() || a.fields().size() != b.fields().size()) {
        return false;
      }
      for (size_t i = 0; i < a.array().size(); ++i) {
        if (!Equal(a.array()[i], b.array()[i])) return false;
      }
      for (const auto& [k, v] : a.fields()) {
        const LuaValue* w = b.Find(k);
        if (w == nullptr || !Equal(v, *w)) return false;
      }
      return true;
  }
  return false;
}

// The deepest nesting level of any value (the top value is at 0).
int Depth(const LuaValue& v) {
  int d = 0;
  for (const LuaValue& e : v.array()) d = std::max(d, 1 + Depth(e));
  for (const auto& [k, e] : v.fields()) d = std::max(d, 1 + Depth(e));
  return d;
}

int PushThunk(lua_State* L) {
  PushLuaValue(L, *static_cast<const LuaValue*>(lua_touserdata(L, 1)));
  return 1;
}

void CheckRoundTrip(const LuaValue& value) {
  static lua_State* L = luaL_newstate();
  lua_settop(L, 0);
  lua_pushcfunction(L, PushThunk);
  lua_pushlightuserdata(L, const_cast<LuaValue*>(&value));
  int status = lua_pcall(L, 1, 1, 0);
  // The push refuses values nested deeper than kMaxLuaValueDepth; reading allows one more level
  // of non-table values, so only values within the limit must come back.
  if (Depth(value) <= kMaxLuaValueDepth) FUZZ_CHECK(status == LUA_OK);
  if (status == LUA_OK) {
    Result<LuaValue> back = ToLuaValue(L, -1);
    FUZZ_CHECK(back.ok());
    FUZZ_CHECK(Equal(back.value(), value));
  }
  lua_settop(L, 0);
  lua_gc(L, LUA_GCCOLLECT);
}

bool NamesScript(const std::string& message, const std::string& script) {
  return message.find(script) != std::string::npos || message.rfind("...", 0) == 0 ||
         message.find(": ...") != std::string::npos;
}

// True when the script loaded and defines place(): only then is the whole policy worth trying.
bool RunSandbox(std::string_view source) {
  auto sandbox = LuaSandbox::LoadSource(kScriptName, source, Options());
  if (!sandbox.ok()) {
    FUZZ_CHECK(NamesScript(sandbox.status().message(), kScriptName));
    return false;
  }
  if (!sandbox.value()->RequireFunction("place").ok()) return false;
  Result<LuaValue> result = sandbox.value()->Call("place", PlaceArguments());
  if (!result.ok()) {
    FUZZ_CHECK(NamesScript(result.status().message(), kScriptName));
    return true;
  }
  CheckRoundTrip(result.value());
  // The sandbox stays usable after a call, and within its memory limit.
  FUZZ_CHECK(sandbox.value()->memory_used() <= Options().limits.memory_bytes);
  return true;
}

const std::string& ScriptPath() {
  static const std::string path = [] {
    const char* tmp = std::getenv("TMPDIR");
    return std::string(tmp && *tmp ? tmp : "/tmp") + "/cairn_fuzz_lua_policy_" +
           std::to_string(::getpid()) + ".lua";
  }();
  return path;
}

void RunPolicy(std::string_view source) {
  {
    std::ofstream out(ScriptPath(), std::ios::binary | std::ios::trunc);
    out.write(source.data(), static_cast<std::streamsize>(source.size()));
    if (!out) return;
  }
  auto policy = PlacementPolicy::Load(ScriptPath(), Options().limits, Options().log, 1);
  if (!policy.ok()) {
    FUZZ_CHECK(policy.status().code() == CAIRN_INVALID_ARGUMENT ||
               policy.status().code() == CAIRN_INTERNAL);
    return;
  }
  const PlacementRequest request = Request();
  auto placed = policy.value()->Place(request, Drives());
  if (!placed.ok()) {
    int code = placed.status().code();
    FUZZ_CHECK(code == CAIRN_UNAVAILABLE || code == CAIRN_INTERNAL ||
               code == CAIRN_INVALID_ARGUMENT);
    return;
  }
  const std::vector<std::string>& ids = placed.value();
  FUZZ_CHECK(ids.size() == static_cast<size_t>(request.k + request.m));
  std::set<std::string> seen;
  for (const std::string& id : ids) {
    FUZZ_CHECK(seen.insert(id).second);
    bool writable = false;
    for (const DriveInfo& d : Drives()) writable = writable || (d.id == id && d.writable());
    FUZZ_CHECK(writable);
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string source(reinterpret_cast<const char*>(data), size);
  if (RunSandbox(source)) RunPolicy(source);
  return 0;
}
