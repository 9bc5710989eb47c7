// LuaSandbox: one Lua 5.4 policy script loaded into its own lua_State with only safe libraries
// and hard limits, so that an operator's script can decide things but never touch the host.
//
// What a script gets: the base library without dofile, loadfile, load, require, collectgarbage,
// print and warn, and with a setmetatable that refuses __gc (finalizers run with hooks off,
// outside the instruction budget); string without string.dump; table; math (math.random
// reseeded with a fixed seed before every call, so a policy stays a pure function of its
// arguments); utf8; and the host table `cairn` (see lua_host_lib.h). No io, os, debug, package
// or coroutine. Binary chunks are refused.
//
// Limits: a memory ceiling enforced by the state's allocator (an allocation past it fails, and
// Lua raises "not enough memory") and an instruction budget per call enforced by a count hook
// ("instruction limit exceeded"). One call into a C library function is a single instruction,
// so two more bounds keep time bounded (both found by fuzzing, see docs/testing.md): an
// allocation budget per call (a loop that copies a large string at every step: "allocation
// limit exceeded") and bounded pattern matching (lua_pattern_bound.h: a backtracking pattern
// on a long subject is refused before it runs). pcall and xpcall are replaced by versions that
// cannot swallow a limit error, so a script cannot catch its way past its budget.
//
// Errors -- syntax, runtime, limits, unsupported values -- come back as Status messages that
// name the script, with the line when Lua knows it ("scripts/lua/placement.lua:42: ...").
// After a failed call the state stays usable; a script's globals may hold whatever the failed
// call left in them.
//
// Not thread-safe: a lua_State is single-threaded. Use one sandbox per thread or a pool
// (sandbox_pool.h).
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/status.h"
#include "policy/lua_host_lib.h"
#include "policy/lua_value.h"

struct lua_State;
struct lua_Debug;

namespace cairn::policy {

struct SandboxLimits {
  size_t memory_bytes = 16u << 20;             // per lua_State, script and data included
  int64_t instructions_per_call = 10'000'000;  // Lua VM instructions per Call (and per load)
  // Bytes allocated per Call (and per load), freed or not: one instruction may copy up to
  // memory_bytes (string.rep, "..", table.concat), so this, not the instruction budget, bounds
  // the time a loop of large copies takes.
  size_t allocation_bytes_per_call = 256u << 20;
  // Wall-clock time per Call (and per load), checked every few thousand instructions: the
  // other limits bound the work, this bounds a slow machine or an expensive mix of it.
  int64_t milliseconds_per_call = 1000;
};

// Receives cairn.log(msg) lines, already prefixed with the script name. Must not throw (an
// exception is caught and dropped). nullptr writes to stderr.
using SandboxLogFn = std::function<void(const std::string& line)>;

struct SandboxOptions {
  SandboxLimits limits;
  SandboxLogFn log;
};

class LuaSandbox {
 public:
  // The text of the script at `path`; NotFound when it cannot be opened.
  static Result<std::string> ReadScript(const std::string& path);
  // Reads the script at `path` and loads it; the path is the name errors carry.
  static Result<std::unique_ptr<LuaSandbox>> LoadFile(const std::string& path,
                                                      const SandboxOptions& options);
  // Loads `source` under `script_name` (a file name, for messages). Runs the chunk once, so the
  // script's top level defines its functions.
  static Result<std::unique_ptr<LuaSandbox>> LoadSource(const std::string& script_name,
                                                        std::string_view source,
                                                        const SandboxOptions& options);
  ~LuaSandbox();
  LuaSandbox(const LuaSandbox&) = delete;
  LuaSandbox& operator=(const LuaSandbox&) = delete;

  // OK when the script defines a global function `name`; else InvalidArgument naming both.
  Status RequireFunction(const std::string& name);

  // Calls global function `name` with `args` and returns its first result (nil when none).
  Result<LuaValue> Call(const std::string& name, const std::vector<LuaValue>& args);

  const std::string& script_name() const { return script_name_; }
  // Bytes the state holds now (for tests and metrics).
  size_t memory_used() const { return memory_used_; }

 private:
  LuaSandbox(std::string script_name, const SandboxOptions& options);
  Status Open();
  Status Load(std::string_view source);
  // Runs `fn` in protected mode with `ud` as its light userdata argument, within the
  // instruction budget. On success the function's `nresults` results are on the stack.
  Status Protected(int (*fn)(lua_State*), void* ud, int nresults);
  Status ErrorStatus(int lua_status);
  void ArmInstructionBudget();
  // `what`: the limit that ran out, as the error message names it.
  void RecordBudgetExhausted(const char* where, int line, const std::string& what);

  // Hooks Lua calls back into; static because Lua takes plain C function pointers.
  static void* Allocate(void* ud, void* ptr, size_t old_size, size_t new_size);
  static int OpenLibs(lua_State* L);
  static void CountHook(lua_State* L, lua_Debug* ar);
  static int SafePcall(lua_State* L);
  static int SafeXpcall(lua_State* L);
  static int FinishPcall(lua_State* L, int status, int extra);
  static LuaSandbox* FromState(lua_State* L);
  static void LogThunk(void* ctx, std::string_view message);

  const std::string script_name_;
  const SandboxLimits limits_;
  const SandboxLogFn log_;
  HostLibContext host_ctx_;
  lua_State* state_ = nullptr;
  size_t memory_used_ = 0;
  // Bytes allocated since the budget was last armed; allocation_exhausted_ once past the limit.
  size_t allocated_this_call_ = 0;
  bool allocation_exhausted_ = false;
  // Set when the instruction budget ran out; every later hook tick raises again until the next
  // call re-arms the budget.
  bool budget_exhausted_ = false;
  int64_t instructions_left_ = 0;  // of this call's budget, counted at each hook
  int hook_interval_ = 0;          // instructions between two hooks
  std::chrono::steady_clock::time_point deadline_;
  std::string budget_message_;
};

}  // namespace cairn::policy
