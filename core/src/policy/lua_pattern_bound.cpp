#include "policy/lua_pattern_bound.h"

#include <lua5.4/lua.hpp>

#include <cmath>
#include <string_view>

namespace cairn::policy {
namespace {

// Calls the original function (upvalue 1) when the bound allows. Runs inside Lua: no C++
// object with a destructor may be alive when a Lua error unwinds through here.
int BoundedCall(lua_State* L) {
  const bool plain = lua_toboolean(L, 4) && lua_tocfunction(L, lua_upvalueindex(2)) != nullptr;
  if (!plain && lua_type(L, 1) == LUA_TSTRING && lua_type(L, 2) == LUA_TSTRING) {
    size_t n = 0, m = 0;
    lua_tolstring(L, 1, &n);
    const char* pattern = lua_tolstring(L, 2, &m);
    if (PatternStepBound(pattern, m, n) > kMaxPatternSteps) {
      luaL_where(L, 2);  // the script line that called
      lua_pushfstring(L, "pattern '%s' is too costly on a subject of %I bytes (more than %f "
                         "matching steps in the worst case)",
                      m > 64 ? "(long pattern)" : pattern, static_cast<lua_Integer>(n),
                      kMaxPatternSteps);
      lua_concat(L, 2);
      return lua_error(L);
    }
  }
  lua_pushvalue(L, lua_upvalueindex(1));
  lua_insert(L, 1);
  lua_call(L, lua_gettop(L) - 1, LUA_MULTRET);
  return lua_gettop(L);
}

}  // namespace

double PatternStepBound(const char* pattern, size_t m, size_t n) {
  int repetitions = 0;
  for (size_t i = 0; i < m; ++i) {
    const char c = pattern[i];
    if (c == '%') {
      if (i + 1 < m && pattern[i + 1] == 'b') ++repetitions;  // %bxy scans for its match
      ++i;
    } else if (c == '*' || c == '+' || c == '-' || c == '?') {
      ++repetitions;  // inside a set [...] this overcounts, which only makes the bound safer
    }
  }
  // An anchored pattern is tried at one position only, not at each of the n+1.
  const bool anchored = m > 0 && pattern[0] == '^';
  return std::pow(static_cast<double>(n) + 1.0, repetitions + (anchored ? 0 : 1));
}

void BoundPatternMatching(lua_State* L) {
  lua_getglobal(L, LUA_STRLIBNAME);
  for (const char* name : {"find", "match", "gmatch", "gsub"}) {
    lua_getfield(L, -1, name);
    // Upvalue 2 marks string.find, the only one whose 4th argument means "plain".
    if (std::string_view(name) == "find") {
      lua_pushcfunction(L, BoundedCall);  // any non-nil C function will do as the mark
    } else {
      lua_pushnil(L);
    }
    lua_pushcclosure(L, BoundedCall, 2);
    lua_setfield(L, -2, name);
  }
  lua_pop(L, 1);
}

}  // namespace cairn::policy
