// LuaValue: plain data passed between C++ and a Lua policy (nil, booleans, integers, numbers,
// strings and tables of those). Tables keep their array part (keys 1..n) apart from their string
// keys, which is all a policy's arguments and results ever need; functions, userdata and other
// key types are refused at the boundary rather than half-converted.
//
// A value type: copyable, thread-compatible.
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

namespace cairn::policy {

class LuaValue {
 public:
  enum class Type { kNil, kBoolean, kInteger, kNumber, kString, kTable };

  LuaValue() = default;  // nil
  static LuaValue Boolean(bool value);
  static LuaValue Integer(int64_t value);
  static LuaValue Number(double value);
  static LuaValue String(std::string value);
  static LuaValue Table();

  // Table builders, chainable. REQUIRES: type() == kTable.
  LuaValue& Set(std::string key, LuaValue value);  // t[key] = value
  LuaValue& Append(LuaValue value);                // t[#t + 1] = value

  Type type() const { return type_; }
  bool is_nil() const { return type_ == Type::kNil; }
  bool is_string() const { return type_ == Type::kString; }
  bool is_table() const { return type_ == Type::kTable; }

  // Accessors return the value or a zero value when the type differs.
  bool boolean() const { return type_ == Type::kBoolean && boolean_; }
  int64_t integer() const { return type_ == Type::kInteger ? integer_ : 0; }
  // Integers widen to double here, as they do in Lua arithmetic.
  double number() const;
  const std::string& string() const { return string_; }
  const std::vector<LuaValue>& array() const { return array_; }
  const std::map<std::string, LuaValue>& fields() const { return fields_; }
  // nullptr when absent or when this is not a table.
  const LuaValue* Find(std::string_view key) const;

  // The Lua type name ("nil", "boolean", "number", "string", "table"), for error messages.
  const char* TypeName() const;

 private:
  Type type_ = Type::kNil;
  bool boolean_ = false;
  int64_t integer_ = 0;
  double number_ = 0;
  std::string string_;
  std::vector<LuaValue> array_;
  std::map<std::string, LuaValue> fields_;
};

}  // namespace cairn::policy
