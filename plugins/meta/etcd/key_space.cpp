#include "key_space.h"

namespace cairn::meta::etcd {

std::string KeySpace::ToEtcd(std::string_view key) const {
  std::string out = prefix_;
  out.append(key);
  return out;
}

std::string KeySpace::RangeStart(std::string_view key) const {
  std::string out = ToEtcd(key);
  if (out.empty()) out.push_back('\0');
  return out;
}

std::string KeySpace::RangeEnd(std::string_view key) const {
  if (!key.empty()) return ToEtcd(key);
  auto successor = Successor(prefix_);
  return successor ? *successor : std::string(1, '\0');
}

std::optional<std::string> KeySpace::FromEtcd(std::string_view etcd_key) const {
  if (etcd_key.substr(0, prefix_.size()) != prefix_) return std::nullopt;
  return std::string(etcd_key.substr(prefix_.size()));
}

std::optional<std::string> KeySpace::Successor(std::string_view prefix) {
  std::string out(prefix);
  while (!out.empty()) {
    auto& last = reinterpret_cast<unsigned char&>(out.back());
    if (last != 0xff) {
      ++last;
      return out;
    }
    out.pop_back();
  }
  return std::nullopt;
}

}  // namespace cairn::meta::etcd
