// Moving LuaValues onto and off a Lua stack. Internal to the sandbox; as thread-safe as the
// lua_State it is given (that is, one thread at a time).
#pragma once

#include <cstddef>

#include "cairn/status.h"
#include "policy/lua_value.h"

struct lua_State;

namespace cairn::policy {

// Tables nest at most this deep in either direction (it also stops cycles).
inline constexpr int kMaxLuaValueDepth = 32;
// The most a value read from Lua may take once copied (string bytes plus an allowance per
// value). A script's result may hold one table or string many times over, which costs the Lua
// state nothing and the copy a multiple of it: t = {t, t} twenty times over is a million tables.
inline constexpr size_t kMaxLuaValueBytes = 16u << 20;

// Pushes `value` as a fresh Lua value. May raise a Lua error (memory, nesting).
// REQUIRES: called in protected mode, from a frame with no non-trivially-destructible locals
// that must survive the error (Lua unwinds with longjmp).
void PushLuaValue(lua_State* L, const LuaValue& value);

// Reads the value at `index` without raising any Lua error (raw accesses only), so it may run
// outside protected mode. Functions, userdata, threads and table keys other than strings and
// the integers 1..n are refused with a message such as "a function value", and so is a value
// whose copy would pass kMaxLuaValueBytes.
Result<LuaValue> ToLuaValue(lua_State* L, int index);

}  // namespace cairn::policy
