// KeySpace: where a Cairn cluster's keys live inside a shared etcd. Every key is stored as
// `prefix + key`, so several clusters (or test runs) can share one etcd without seeing each
// other; a scan to "the end of the keyspace" stops at the prefix's successor.
// Immutable after construction; thread-safe.
#pragma once

#include <optional>
#include <string>
#include <string_view>

namespace cairn::meta::etcd {

class KeySpace {
 public:
  explicit KeySpace(std::string prefix) : prefix_(std::move(prefix)) {}

  const std::string& prefix() const { return prefix_; }

  // The etcd key holding `key`.
  std::string ToEtcd(std::string_view key) const;

  // The etcd key of a range start. etcd refuses an empty key, so with an empty prefix the
  // start of everything is "\0" (etcd keys are never empty, so nothing is skipped).
  std::string RangeStart(std::string_view key) const;

  // The etcd range_end of a range ending at `key` (exclusive); an empty key means "to the end
  // of this key space": the prefix's successor, or "\0" (etcd: "every key >= start") when the
  // prefix has none (empty, or only 0xff bytes).
  std::string RangeEnd(std::string_view key) const;

  // The Cairn key of an etcd key inside this space; nullopt for a key outside it.
  std::optional<std::string> FromEtcd(std::string_view etcd_key) const;

  // The smallest string greater than every string starting with `prefix`, or nullopt if there
  // is none. "ab" -> "ac"; "a\xff" -> "b".
  static std::optional<std::string> Successor(std::string_view prefix);

 private:
  std::string prefix_;
};

}  // namespace cairn::meta::etcd
