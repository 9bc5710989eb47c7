// Request headers as received (names in any case, repeated names kept in order), and the
// case-insensitive lookups SigV4 needs. Pure functions; thread-safe.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cairn::sigv4 {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

bool EqualsIgnoreCase(std::string_view a, std::string_view b);
// The first value of header `name`, or null.
const std::string* FindHeader(const HeaderList& headers, std::string_view name);

}  // namespace cairn::sigv4
