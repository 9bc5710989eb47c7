// ListObjectVersions: every version of the keys after a marker, under a prefix, with keys that
// contain the delimiter after the prefix rolled up into common prefixes. Each key's versions
// come newest first: the current one (o/), then its noncurrent ones (v/). A key has
// noncurrent versions only while it has a current one, so the walk is a range scan of o/ that
// reads each key's v/ range in turn -- and seeks past each common prefix, as ListObjects does.
#pragma once

#include <string>
#include <vector>

#include "meta/records.h"
#include "objects/services.h"

namespace cairn {

struct VersionListRequest {
  std::string bucket;
  std::string prefix;
  std::string delimiter;
  std::string key_marker;         // start after this key...
  std::string version_id_marker;  // ...or, when set, after this version of key_marker
  size_t max_keys = 1000;         // versions, delete markers and common prefixes
};

struct ListedVersion {
  std::string key;
  ObjectRecord record;
  bool latest = false;
};

struct VersionListing {
  std::vector<ListedVersion> versions;  // delete markers included, in listing order
  std::vector<std::string> prefixes;
  bool truncated = false;
  // Where the next page starts when truncated: the last key (or common prefix) returned and,
  // for a version, its id.
  std::string next_key_marker;
  std::string next_version_id_marker;
};

// InvalidArgument for a version-id-marker without a key-marker or a malformed one.
Status ListObjectVersions(Services& svc, const VersionListRequest& request, VersionListing* out);

}  // namespace cairn
