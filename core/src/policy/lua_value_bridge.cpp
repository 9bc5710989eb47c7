#include "policy/lua_value_bridge.h"

#include <lua5.4/lua.hpp>
#include <map>
#include <string>
#include <utility>

namespace cairn::policy {
namespace {

void PushAtDepth(lua_State* L, const LuaValue& value, int depth) {
  if (depth > kMaxLuaValueDepth) {
    luaL_error(L, "argument tables nested deeper than %d", kMaxLuaValueDepth);
  }
  luaL_checkstack(L, 3, "argument tables nested too deep");
  switch (value.type()) {
    case LuaValue::Type::kNil:
      lua_pushnil(L);
      return;
    case LuaValue::Type::kBoolean:
      lua_pushboolean(L, value.boolean());
      return;
    case LuaValue::Type::kInteger:
      lua_pushinteger(L, value.integer());
      return;
    case LuaValue::Type::kNumber:
      lua_pushnumber(L, value.number());
      return;
    case LuaValue::Type::kString:
      lua_pushlstring(L, value.string().data(), value.string().size());
      return;
    case LuaValue::Type::kTable:
      break;
  }
  lua_createtable(L, static_cast<int>(value.array().size()),
                  static_cast<int>(value.fields().size()));
  lua_Integer i = 0;
  for (const LuaValue& element : value.array()) {
    PushAtDepth(L, element, depth + 1);
    lua_rawseti(L, -2, ++i);
  }
  for (const auto& field : value.fields()) {
    lua_pushlstring(L, field.first.data(), field.first.size());
    PushAtDepth(L, field.second, depth + 1);
    lua_rawset(L, -3);
  }
}

// What a copy may still take, in bytes (see kMaxLuaValueBytes).
struct CopyBudget {
  size_t left = kMaxLuaValueBytes;
  // False, and the budget spent, once `bytes` more would pass it.
  bool Take(size_t bytes) {
    if (bytes > left) {
      left = 0;
      return false;
    }
    left -= bytes;
    return true;
  }
};

Status TooLarge() {
  return Status::InvalidArgument("a value larger than " + std::to_string(kMaxLuaValueBytes) +
                                 " bytes once copied (a table or string counts each time it "
                                 "appears)");
}

Result<LuaValue> ReadAtDepth(lua_State* L, int index, int depth, CopyBudget* budget);

Result<LuaValue> ReadTable(lua_State* L, int index, int depth, CopyBudget* budget) {
  if (depth > kMaxLuaValueDepth) {
    return Status::InvalidArgument("tables nested deeper than " +
                                   std::to_string(kMaxLuaValueDepth));
  }
  // lua_checkstack reports failure instead of raising.
  if (!lua_checkstack(L, 3)) {
    return Status::InvalidArgument("tables nested too deep for the Lua stack");
  }
  LuaValue table = LuaValue::Table();
  std::map<lua_Integer, LuaValue> by_index;
  lua_pushnil(L);
  while (lua_next(L, index) != 0) {
    Result<LuaValue> element = ReadAtDepth(L, lua_gettop(L), depth + 1, budget);
    if (!element.ok()) {
      lua_pop(L, 2);
      return element.status();
    }
    if (lua_type(L, -2) == LUA_TSTRING) {
      size_t size = 0;
      const char* key = lua_tolstring(L, -2, &size);  // a string already: no conversion
      if (!budget->Take(size)) {
        lua_pop(L, 2);
        return TooLarge();
      }
      table.Set(std::string(key, size), std::move(element.value()));
    } else if (lua_isinteger(L, -2)) {
      by_index.emplace(lua_tointeger(L, -2), std::move(element.value()));
    } else {
      std::string type = lua_typename(L, lua_type(L, -2));
      lua_pop(L, 2);
      return Status::InvalidArgument("a table with a " + type + " key");
    }
    lua_pop(L, 1);
  }
  // Integer keys must form the sequence 1..n, so that the array means what Lua's # means.
  lua_Integer expected = 1;
  for (auto& [key, element] : by_index) {
    if (key != expected++) {
      return Status::InvalidArgument("a table whose integer keys are not the sequence 1..n");
    }
    table.Append(std::move(element));
  }
  return table;
}

Result<LuaValue> ReadAtDepth(lua_State* L, int index, int depth, CopyBudget* budget) {
  index = lua_absindex(L, index);
  if (!budget->Take(sizeof(LuaValue))) return TooLarge();
  switch (lua_type(L, index)) {
    case LUA_TNIL:
      return LuaValue();
    case LUA_TBOOLEAN:
      return LuaValue::Boolean(lua_toboolean(L, index) != 0);
    case LUA_TNUMBER:
      if (lua_isinteger(L, index)) {
        return LuaValue::Integer(lua_tointeger(L, index));
      }
      return LuaValue::Number(lua_tonumber(L, index));
    case LUA_TSTRING: {
      size_t size = 0;
      const char* data = lua_tolstring(L, index, &size);
      if (!budget->Take(size)) return TooLarge();
      return LuaValue::String(std::string(data, size));
    }
    case LUA_TTABLE:
      return ReadTable(L, index, depth, budget);
    default:
      return Status::InvalidArgument(std::string("a ") + lua_typename(L, lua_type(L, index)) +
                                     " value");
  }
}

}  // namespace

void PushLuaValue(lua_State* L, const LuaValue& value) { PushAtDepth(L, value, 0); }

Result<LuaValue> ToLuaValue(lua_State* L, int index) {
  CopyBudget budget;
  return ReadAtDepth(L, index, 0, &budget);
}

}  // namespace cairn::policy
