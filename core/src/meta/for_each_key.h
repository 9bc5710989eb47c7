// Visiting every key in a range in pages, so that memory stays bounded however many records
// there are (the scrubber, the deferred free and progress counts walk whole key families).
// Thread-compatible.
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/meta_store.h"
#include "meta/keys.h"

namespace cairn {

// Calls `visit` for each pair with a key in [start, end), in key order, reading 1000 at a time.
// A scan error ends the walk and is returned (the pairs before it were visited).
inline Status ForEachKey(MetaStore& meta, std::string_view start, std::string_view end,
                         const std::function<void(const KeyValue&)>& visit) {
  constexpr size_t kPage = 1000;
  for (std::string from(start);;) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(meta.Scan(from, end, kPage, &rows));
    for (const auto& kv : rows) visit(kv);
    if (rows.size() < kPage) return Status::Ok();
    from = rows.back().key + std::string(1, '\0');
  }
}

// The same over every key starting with `prefix`.
inline Status ForEachKeyWithPrefix(MetaStore& meta, std::string_view prefix,
                                   const std::function<void(const KeyValue&)>& visit) {
  return ForEachKey(meta, prefix, keys::PrefixEnd(prefix), visit);
}

}  // namespace cairn
