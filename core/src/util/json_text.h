// Writing JSON by hand: the one string-escaping function the admin API and cairn bench share.
#pragma once

#include <cstdio>
#include <string>

namespace cairn {

// `s` as a quoted JSON string (quotes, backslashes and control characters escaped).
inline std::string JsonString(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += static_cast<char>(c);
    } else if (c < 0x20) {
      char buf[8];
      std::snprintf(buf, sizeof(buf), "\\u%04x", c);
      out += buf;
    } else {
      out += static_cast<char>(c);
    }
  }
  return out + "\"";
}

}  // namespace cairn
