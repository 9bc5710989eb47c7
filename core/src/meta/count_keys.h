// Counting the keys under a prefix, for progress bars: a paginated scan, so that memory stays
// bounded however many records there are. Thread-compatible.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>

#include "cairn/meta_store.h"
#include "meta/keys.h"

namespace cairn {

// The keys starting with `prefix`; an error ends the count early (a progress total is a hint).
inline uint64_t CountKeys(MetaStore& meta, std::string_view prefix) {
  const std::string end = keys::PrefixEnd(prefix);
  uint64_t total = 0;
  for (std::string start(prefix);;) {
    std::vector<KeyValue> rows;
    if (!meta.Scan(start, end, 1000, &rows).ok() || rows.empty()) return total;
    total += rows.size();
    start = rows.back().key + std::string(1, '\0');
  }
}

}  // namespace cairn
