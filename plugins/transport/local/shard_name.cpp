#include "shard_name.h"

#include <string>

namespace cairn::transport {
namespace {

bool AllowedChar(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || c == '.' || c == '_' || c == '/' ||
         c == '-';
}

Status Invalid(std::string_view name, const char* why) {
  return Status::InvalidArgument("bad shard name '" + std::string(name.substr(0, 64)) +
                                 "': " + why);
}

Status CheckCommon(std::string_view name) {
  if (name.size() > kMaxShardNameBytes) return Invalid(name, "longer than 200 bytes");
  for (char c : name) {
    if (!AllowedChar(c)) return Invalid(name, "only [0-9a-z._/-] are allowed");
  }
  if (!name.empty() && name.front() == '/') return Invalid(name, "leading '/'");
  if (name.find("..") != std::string_view::npos) return Invalid(name, "contains '..'");
  return Status::Ok();
}

}  // namespace

Status ValidateShardName(std::string_view name) {
  if (name.empty()) return Invalid(name, "empty");
  CAIRN_RETURN_IF_ERROR(CheckCommon(name));
  size_t start = 0;
  while (start <= name.size()) {
    size_t end = name.find('/', start);
    if (end == std::string_view::npos) end = name.size();
    std::string_view segment = name.substr(start, end - start);
    if (segment.empty()) return Invalid(name, "empty path segment");
    if (segment == ".") return Invalid(name, "'.' segment");
    start = end + 1;
  }
  return Status::Ok();
}

Status ValidateShardPrefix(std::string_view prefix) { return CheckCommon(prefix); }

}  // namespace cairn::transport
