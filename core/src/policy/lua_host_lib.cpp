#include "policy/lua_host_lib.h"

#include <lua5.4/lua.hpp>

namespace cairn::policy {

uint64_t PolicyHash(std::string_view data) {
  // FNV-1a alone mixes its last bytes poorly into the high bits, and rendezvous hashing compares
  // hashes of strings that differ only in their tail (the drive id), so finish with fmix64.
  uint64_t h = 0xcbf29ce484222325ULL;
  for (unsigned char c : data) {
    h ^= c;
    h *= 0x100000001b3ULL;
  }
  h ^= h >> 33;
  h *= 0xff51afd7ed558ccdULL;
  h ^= h >> 33;
  h *= 0xc4ceb9fe1a85ec53ULL;
  h ^= h >> 33;
  return h & kPolicyHashMask;
}

namespace {

// Lua raises errors with longjmp (liblua5.4 is built as C), which skips C++ destructors: the C
// functions below keep no C++ objects alive across a call that may raise.

int HostHash(lua_State* L) {
  size_t size = 0;
  const char* data = luaL_checklstring(L, 1, &size);
  lua_pushinteger(L, static_cast<lua_Integer>(PolicyHash(std::string_view(data, size))));
  return 1;
}

int HostLog(lua_State* L) {
  size_t size = 0;
  const char* message = luaL_checklstring(L, 1, &size);
  auto* context = static_cast<const HostLibContext*>(lua_touserdata(L, lua_upvalueindex(1)));
  if (context != nullptr && context->log != nullptr) {
    context->log(context->ctx, std::string_view(message, size));
  }
  return 0;
}

}  // namespace

void OpenHostLib(lua_State* L, const HostLibContext* context) {
  lua_createtable(L, 0, 2);
  lua_pushcfunction(L, HostHash);
  lua_setfield(L, -2, "hash");
  lua_pushlightuserdata(L, const_cast<HostLibContext*>(context));
  lua_pushcclosure(L, HostLog, 1);
  lua_setfield(L, -2, "log");
  lua_setglobal(L, "cairn");
}

}  // namespace cairn::policy
