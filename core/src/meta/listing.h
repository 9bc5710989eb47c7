// Listing a bucket's objects as S3 does: keys after a marker, under a prefix, with keys that
// contain the delimiter after the prefix rolled up into common prefixes. It is a range scan of
// "o/<bucket>/<prefix>" that seeks past each common prefix instead of reading its keys, so a
// page costs about max-keys rows whatever lies under the prefixes. Keys whose current version
// is a delete marker are skipped. Thread-compatible.
#pragma once

#include <string>
#include <utility>
#include <vector>

#include "cairn/meta_store.h"
#include "meta/records.h"

namespace cairn {

struct ListRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string after;      // list keys after this one (a marker, start-after or token)
  size_t max_keys = 1000; // objects plus common prefixes
  size_t batch = 1000;    // rows per metadata scan
};

struct Listing {
  std::vector<std::pair<std::string, ObjectRecord>> objects;
  std::vector<std::string> prefixes;  // common prefixes, in order
  bool truncated = false;
  std::string last;  // the last key or prefix returned: where the next page starts
};

Status ListObjectKeys(MetaStore& meta, const ListRequest& request, Listing* out);

}  // namespace cairn
