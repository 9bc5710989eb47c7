#include "policy/lua_value.h"

#include <utility>

namespace cairn::policy {

LuaValue LuaValue::Boolean(bool value) {
  LuaValue v;
  v.type_ = Type::kBoolean;
  v.boolean_ = value;
  return v;
}

LuaValue LuaValue::Integer(int64_t value) {
  LuaValue v;
  v.type_ = Type::kInteger;
  v.integer_ = value;
  return v;
}

LuaValue LuaValue::Number(double value) {
  LuaValue v;
  v.type_ = Type::kNumber;
  v.number_ = value;
  return v;
}

LuaValue LuaValue::String(std::string value) {
  LuaValue v;
  v.type_ = Type::kString;
  v.string_ = std::move(value);
  return v;
}

LuaValue LuaValue::Table() {
  LuaValue v;
  v.type_ = Type::kTable;
  return v;
}

LuaValue& LuaValue::Set(std::string key, LuaValue value) {
  fields_.insert_or_assign(std::move(key), std::move(value));
  return *this;
}

LuaValue& LuaValue::Append(LuaValue value) {
  array_.push_back(std::move(value));
  return *this;
}

double LuaValue::number() const {
  if (type_ == Type::kNumber) {
    return number_;
  }
  return type_ == Type::kInteger ? static_cast<double>(integer_) : 0.0;
}

const LuaValue* LuaValue::Find(std::string_view key) const {
  auto it = fields_.find(std::string(key));
  return it == fields_.end() ? nullptr : &it->second;
}

const char* LuaValue::TypeName() const {
  switch (type_) {
    case Type::kNil:
      return "nil";
    case Type::kBoolean:
      return "boolean";
    case Type::kInteger:
    case Type::kNumber:
      return "number";
    case Type::kString:
      return "string";
    case Type::kTable:
      return "table";
  }
  return "unknown";
}

}  // namespace cairn::policy
