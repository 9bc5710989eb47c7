#include "policy/lua_sandbox.h"

#include <climits>
#include <cstdio>
#include <cstdlib>
#include <exception>
#include <fstream>
#include <lua5.4/lua.hpp>
#include <sstream>
#include <utility>

#include "policy/lua_pattern_bound.h"
#include "policy/lua_value_bridge.h"

// liblua5.4 is built as C: lua_error unwinds with longjmp, which runs no C++ destructors. So
// every Lua API call that may raise (anything that allocates, calls metamethods or runs script
// code) happens inside a lua_pcall'ed C function whose frames hold only trivially destructible
// locals, and the code outside protected mode uses only calls that never raise.

namespace cairn::policy {
namespace {

constexpr const char* kRandomSeedKey = "cairn.randomseed";
// math.random is reseeded with this before every call so a policy is a pure function of its
// arguments, whichever sandbox of a pool runs it.
constexpr lua_Integer kRandomSeed = 0x5eed;
// How often an exhausted budget raises again, so that code running after the first error (a
// __close handler, an xpcall message handler) cannot loop on.
constexpr int kExhaustedHookInterval = 1000;
// Instructions between two looks at the clock (microseconds of work at most).
constexpr int64_t kTimeCheckInterval = 10'000;

constexpr const char* kRemovedGlobals[] = {"dofile", "loadfile",       "load", "require",
                                           "print",  "collectgarbage", "warn"};

struct ChunkSource {
  std::string_view source;
  const char* chunk_name;
  bool consumed;
};

const char* ReadChunk(lua_State*, void* ud, size_t* size) {
  auto* chunk = static_cast<ChunkSource*>(ud);
  if (chunk->consumed) {
    *size = 0;
    return nullptr;
  }
  chunk->consumed = true;
  *size = chunk->source.size();
  return chunk->source.data();
}

void Reseed(lua_State* L) {
  lua_getfield(L, LUA_REGISTRYINDEX, kRandomSeedKey);
  lua_pushinteger(L, kRandomSeed);
  lua_call(L, 1, 0);
}

int RunChunk(lua_State* L) {
  auto* chunk = static_cast<ChunkSource*>(lua_touserdata(L, 1));
  // Mode "t": text only, binary chunks are refused.
  if (lua_load(L, ReadChunk, chunk, chunk->chunk_name, "t") != LUA_OK) {
    return lua_error(L);
  }
  Reseed(L);
  lua_call(L, 0, 0);
  return 0;
}

struct CallFrame {
  const std::string* name;
  const std::vector<LuaValue>* args;
  const char* script_name;
};

int CallGlobal(lua_State* L) {
  auto* frame = static_cast<CallFrame*>(lua_touserdata(L, 1));
  Reseed(L);
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushlstring(L, frame->name->data(), frame->name->size());
  if (lua_rawget(L, -2) != LUA_TFUNCTION) {
    return luaL_error(L, "%s: global function '%s' is not defined", frame->script_name,
                      frame->name->c_str());
  }
  luaL_checkstack(L, static_cast<int>(frame->args->size()) + 1, "too many arguments");
  for (const LuaValue& arg : *frame->args) {
    PushLuaValue(L, arg);
  }
  lua_call(L, static_cast<int>(frame->args->size()), 1);
  return 1;
}

// setmetatable, refusing a metatable with __gc: Lua runs finalizers with debug hooks off (lgc.c,
// GCTM), so a finalizer would run outside the instruction budget, and an endless one would hang
// a call or the lua_close of the sandbox. A __gc added to a metatable later marks nothing for
// finalization, so checking here is enough. Upvalue 1 is the base library's setmetatable.
int SetmetatableWithoutGc(lua_State* L) {
  if (lua_type(L, 2) == LUA_TTABLE) {
    lua_pushliteral(L, "__gc");
    if (lua_rawget(L, 2) != LUA_TNIL) {
      return luaL_error(L, "__gc metamethods are not allowed in policy scripts");
    }
    lua_pop(L, 1);
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, 1);
  return 1;
}

int CheckFunction(lua_State* L) {
  auto* name = static_cast<const std::string*>(lua_touserdata(L, 1));
  lua_rawgeti(L, LUA_REGISTRYINDEX, LUA_RIDX_GLOBALS);
  lua_pushlstring(L, name->data(), name->size());
  lua_pushboolean(L, lua_rawget(L, -2) == LUA_TFUNCTION);
  return 1;
}

}  // namespace

LuaSandbox::LuaSandbox(std::string script_name, const SandboxOptions& options)
    : script_name_(std::move(script_name)), limits_(options.limits), log_(options.log) {
  host_ctx_.log = &LuaSandbox::LogThunk;
  host_ctx_.ctx = this;
}

LuaSandbox::~LuaSandbox() {
  if (state_ != nullptr) {
    // Finalizers (__gc) run during close; give them a budget too.
    ArmInstructionBudget();
    lua_close(state_);
  }
}

Result<std::string> LuaSandbox::ReadScript(const std::string& path) {
  try {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
      return Status::NotFound("cannot open policy script " + path);
    }
    std::ostringstream buffer;
    buffer << in.rdbuf();
    if (in.bad()) {
      return Status::IOError("cannot read policy script " + path);
    }
    return std::move(buffer).str();
  } catch (const std::exception& e) {
    return Status::IOError("cannot read policy script " + path + ": " + e.what());
  }
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::LoadFile(const std::string& path,
                                                         const SandboxOptions& options) {
  Result<std::string> source = ReadScript(path);
  if (!source.ok()) {
    return source.status();
  }
  return LoadSource(path, source.value(), options);
}

Result<std::unique_ptr<LuaSandbox>> LuaSandbox::LoadSource(const std::string& script_name,
                                                           std::string_view source,
                                                           const SandboxOptions& options) {
  std::unique_ptr<LuaSandbox> sandbox(new LuaSandbox(script_name, options));
  CAIRN_RETURN_IF_ERROR(sandbox->Open());
  Status st = sandbox->Load(source);
  if (!st.ok()) {
    return Status::InvalidArgument(st.message());
  }
  return sandbox;
}

Status LuaSandbox::Open() {
  state_ = lua_newstate(&LuaSandbox::Allocate, this);
  if (state_ == nullptr) {
    return Status::Internal(script_name_ + ": cannot create a Lua state within " +
                            std::to_string(limits_.memory_bytes) + " bytes");
  }
  *static_cast<LuaSandbox**>(lua_getextraspace(state_)) = this;
  return Protected(&LuaSandbox::OpenLibs, nullptr, 0);
}

int LuaSandbox::OpenLibs(lua_State* L) {
  const luaL_Reg libs[] = {{LUA_GNAME, luaopen_base},
                           {LUA_STRLIBNAME, luaopen_string},
                           {LUA_TABLIBNAME, luaopen_table},
                           {LUA_MATHLIBNAME, luaopen_math},
                           {LUA_UTF8LIBNAME, luaopen_utf8}};
  for (const luaL_Reg& lib : libs) {
    luaL_requiref(L, lib.name, lib.func, 1);
    lua_pop(L, 1);
  }
  for (const char* name : kRemovedGlobals) {
    lua_pushnil(L);
    lua_setglobal(L, name);
  }
  // string.dump would hand out bytecode, and bytecode can break the VM's safety checks.
  lua_getglobal(L, LUA_STRLIBNAME);
  lua_pushnil(L);
  lua_setfield(L, -2, "dump");
  lua_pop(L, 1);
  BoundPatternMatching(L);
  // Keep the real randomseed where scripts cannot replace it.
  lua_getglobal(L, LUA_MATHLIBNAME);
  lua_getfield(L, -1, "randomseed");
  lua_setfield(L, LUA_REGISTRYINDEX, kRandomSeedKey);
  lua_pop(L, 1);
  lua_getglobal(L, "setmetatable");
  lua_pushcclosure(L, SetmetatableWithoutGc, 1);
  lua_setglobal(L, "setmetatable");
  lua_pushcfunction(L, &LuaSandbox::SafePcall);
  lua_setglobal(L, "pcall");
  lua_pushcfunction(L, &LuaSandbox::SafeXpcall);
  lua_setglobal(L, "xpcall");
  OpenHostLib(L, &FromState(L)->host_ctx_);
  return 0;
}

Status LuaSandbox::Load(std::string_view source) {
  std::string chunk_name = "@" + script_name_;  // '@': Lua names the chunk as a file
  ChunkSource chunk{source, chunk_name.c_str(), false};
  return Protected(RunChunk, &chunk, 0);
}

Status LuaSandbox::RequireFunction(const std::string& name) {
  CAIRN_RETURN_IF_ERROR(Protected(CheckFunction, const_cast<std::string*>(&name), 1));
  bool found = lua_toboolean(state_, -1);
  lua_settop(state_, 0);
  if (!found) {
    return Status::InvalidArgument(script_name_ + ": the policy defines no global function '" +
                                   name + "'");
  }
  return Status::Ok();
}

Result<LuaValue> LuaSandbox::Call(const std::string& name, const std::vector<LuaValue>& args) {
  CallFrame frame{&name, &args, script_name_.c_str()};
  CAIRN_RETURN_IF_ERROR(Protected(CallGlobal, &frame, 1));
  Result<LuaValue> result = ToLuaValue(state_, -1);
  lua_settop(state_, 0);
  if (!result.ok()) {
    return Status::Internal(script_name_ + ": " + name + "() returned " +
                            result.status().message());
  }
  return result;
}

Status LuaSandbox::Protected(int (*fn)(lua_State*), void* ud, int nresults) {
  ArmInstructionBudget();
  lua_settop(state_, 0);
  lua_pushcfunction(state_, fn);
  lua_pushlightuserdata(state_, ud);
  int status = lua_pcall(state_, 1, nresults, 0);
  return status == LUA_OK ? Status::Ok() : ErrorStatus(status);
}

Status LuaSandbox::ErrorStatus(int lua_status) {
  std::string message;
  if (budget_exhausted_) {
    message = budget_message_;
  } else if (allocation_exhausted_) {
    message = script_name_ + ": allocation limit exceeded (" +
              std::to_string(limits_.allocation_bytes_per_call) + " bytes per call)";
  } else if (lua_status == LUA_ERRMEM) {
    message = script_name_ + ": not enough memory (limit " + std::to_string(limits_.memory_bytes) +
              " bytes)";
  } else {
    // Only strings are read as strings: lua_tolstring would convert a number in place, and
    // converting allocates, which may raise outside protected mode.
    int type = lua_type(state_, -1);
    if (type == LUA_TSTRING) {
      size_t size = 0;
      const char* text = lua_tolstring(state_, -1, &size);
      message.assign(text, size);
    } else if (type == LUA_TNUMBER) {
      message = lua_isinteger(state_, -1) ? std::to_string(lua_tointeger(state_, -1))
                                          : std::to_string(lua_tonumber(state_, -1));
    } else {
      message = std::string("(error object is a ") + lua_typename(state_, type) + " value)";
    }
    // Errors raised with level 0, or by a non-string error(), carry no position: name the
    // script anyway. Lua shortens long chunk names to "...<tail>".
    if (message.rfind(script_name_, 0) != 0 && message.rfind("...", 0) != 0) {
      message = script_name_ + ": " + message;
    }
  }
  lua_settop(state_, 0);
  if (lua_status == LUA_ERRMEM || budget_exhausted_) {
    // Give the next call its full allowance back.
    lua_gc(state_, LUA_GCCOLLECT);
  }
  return Status::Internal(std::move(message));
}

void LuaSandbox::ArmInstructionBudget() {
  budget_exhausted_ = false;
  allocated_this_call_ = 0;
  allocation_exhausted_ = false;
  instructions_left_ = std::max<int64_t>(limits_.instructions_per_call, 1);
  deadline_ = std::chrono::steady_clock::now() +
              std::chrono::milliseconds(std::max<int64_t>(limits_.milliseconds_per_call, 1));
  hook_interval_ = static_cast<int>(std::min<int64_t>(instructions_left_, kTimeCheckInterval));
  lua_sethook(state_, &LuaSandbox::CountHook, LUA_MASKCOUNT, hook_interval_);
}

void LuaSandbox::RecordBudgetExhausted(const char* where, int line, const std::string& what) {
  budget_exhausted_ = true;
  budget_message_ =
      line > 0 ? std::string(where) + ":" + std::to_string(line) + ": " : script_name_ + ": ";
  budget_message_ += what;
}

void LuaSandbox::CountHook(lua_State* L, lua_Debug* ar) {
  LuaSandbox* sandbox = FromState(L);
  if (!sandbox->budget_exhausted_) {
    sandbox->instructions_left_ -= sandbox->hook_interval_;
    std::string what;
    if (sandbox->instructions_left_ <= 0) {
      what = "instruction limit exceeded (" +
             std::to_string(sandbox->limits_.instructions_per_call) + " per call)";
    } else if (std::chrono::steady_clock::now() > sandbox->deadline_) {
      what = "time limit exceeded (" + std::to_string(sandbox->limits_.milliseconds_per_call) +
             " ms per call)";
    } else {
      sandbox->hook_interval_ = static_cast<int>(
          std::min<int64_t>(sandbox->instructions_left_, kTimeCheckInterval));
      lua_sethook(L, &LuaSandbox::CountHook, LUA_MASKCOUNT, sandbox->hook_interval_);
      return;
    }
    lua_getinfo(L, "Sl", ar);
    sandbox->RecordBudgetExhausted(ar->short_src, ar->currentline, what);
    lua_sethook(L, &LuaSandbox::CountHook, LUA_MASKCOUNT, kExhaustedHookInterval);
  }
  lua_pushstring(L, sandbox->budget_message_.c_str());
  lua_error(L);
}

// Like the base library's pcall and xpcall, except that an exhausted instruction or allocation
// budget is raised again instead of being returned to the script.
int LuaSandbox::SafePcall(lua_State* L) {
  luaL_checkany(L, 1);
  lua_pushboolean(L, 1);
  lua_insert(L, 1);
  int status = lua_pcall(L, lua_gettop(L) - 2, LUA_MULTRET, 0);
  return FinishPcall(L, status, 0);
}

int LuaSandbox::SafeXpcall(lua_State* L) {
  int n = lua_gettop(L);
  luaL_checktype(L, 2, LUA_TFUNCTION);
  lua_pushboolean(L, 1);
  lua_pushvalue(L, 1);
  lua_rotate(L, 3, 2);  // [f, handler, true, f, args...]
  int status = lua_pcall(L, n - 2, LUA_MULTRET, 2);
  return FinishPcall(L, status, 2);
}

int LuaSandbox::FinishPcall(lua_State* L, int status, int extra) {
  if (FromState(L)->budget_exhausted_ || FromState(L)->allocation_exhausted_) {
    return lua_error(L);
  }
  if (status != LUA_OK) {
    lua_pushboolean(L, 0);
    lua_pushvalue(L, -2);
    return 2;
  }
  return lua_gettop(L) - extra;
}

void* LuaSandbox::Allocate(void* ud, void* ptr, size_t old_size, size_t new_size) {
  auto* sandbox = static_cast<LuaSandbox*>(ud);
  size_t old = ptr != nullptr ? old_size : 0;  // with no block, old_size is a type tag
  if (new_size == 0) {
    std::free(ptr);
    sandbox->memory_used_ -= old;
    return nullptr;
  }
  const size_t growth = new_size > old ? new_size - old : 0;
  if (growth > sandbox->limits_.memory_bytes - sandbox->memory_used_) {
    return nullptr;  // Lua collects garbage, retries, then raises "not enough memory"
  }
  if (growth > sandbox->limits_.allocation_bytes_per_call - sandbox->allocated_this_call_) {
    sandbox->allocation_exhausted_ = true;
    return nullptr;  // raised as "not enough memory"; ErrorStatus says which limit
  }
  void* block = std::realloc(ptr, new_size);
  if (block != nullptr) {
    sandbox->memory_used_ = sandbox->memory_used_ - old + new_size;
    sandbox->allocated_this_call_ += growth;
  }
  return block;
}

LuaSandbox* LuaSandbox::FromState(lua_State* L) {
  return *static_cast<LuaSandbox**>(lua_getextraspace(L));
}

void LuaSandbox::LogThunk(void* ctx, std::string_view message) {
  auto* sandbox = static_cast<LuaSandbox*>(ctx);
  try {
    std::string line = sandbox->script_name_ + ": " + std::string(message);
    if (sandbox->log_) {
      sandbox->log_(line);
    } else {
      std::fprintf(stderr, "[lua] %s\n", line.c_str());
    }
  } catch (...) {
    // A log line is not worth failing a policy call for, and nothing may unwind into Lua.
  }
}

}  // namespace cairn::policy
