// Counting the keys under a prefix, for progress bars: a paginated scan, so that memory stays
// bounded however many records there are. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/meta_store.h"
#include "meta/for_each_key.h"

namespace cairn {

// The keys starting with `prefix`; an error ends the count early (a progress total is a hint).
inline uint64_t CountKeys(MetaStore& meta, std::string_view prefix) {
  uint64_t total = 0;
  (void)ForEachKeyWithPrefix(meta, prefix, [&](const KeyValue&) { ++total; });
  return total;
}

}  // namespace cairn
