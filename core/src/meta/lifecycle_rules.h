// A bucket's lifecycle configuration as stored in its record (record version 7): the rules of
// PutBucketLifecycleConfiguration, already validated (s3/lifecycle_xml.cpp parses and renders
// them). The Lua lifecycle policy (policy/lifecycle_policy.h) decides what they mean for an
// object; the C++ side only carries them. A field that the XML did not give is -1 (days,
// counts, sizes) or 0 (dates).
#pragma once

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace cairn {

struct LifecycleTransition {
  int64_t days = -1;     // Transition: Days (>= 0) or Date
  int64_t date_ms = 0;   // midnight UTC, in ms since the epoch
  int64_t noncurrent_days = -1;             // NoncurrentVersionTransition
  int64_t newer_noncurrent_versions = -1;   // NoncurrentVersionTransition
  std::string storage_class;                // one of Cairn's storage classes
};

struct LifecycleRule {
  std::string id;
  bool enabled = true;  // Status Enabled / Disabled
  // How the filter was written, so GetBucketLifecycleConfiguration returns what was put:
  // "prefix" (the rule-level <Prefix> of the 2006 API), "filter" (a <Filter> with at most one
  // condition) or "and" (a <Filter><And>).
  std::string filter_form = "filter";
  std::string prefix;
  std::vector<std::pair<std::string, std::string>> tags;  // every tag must match
  int64_t size_greater_than = -1;  // ObjectSizeGreaterThan (bytes)
  int64_t size_less_than = -1;     // ObjectSizeLessThan (bytes)
  // Expiration of the current version.
  int64_t expiration_days = -1;
  int64_t expiration_date_ms = 0;
  bool expired_object_delete_marker = false;
  // NoncurrentVersionExpiration.
  int64_t noncurrent_days = -1;
  int64_t newer_noncurrent_versions = -1;
  // AbortIncompleteMultipartUpload.
  int64_t abort_upload_days = -1;
  std::vector<LifecycleTransition> transitions;             // Transition
  std::vector<LifecycleTransition> noncurrent_transitions;  // NoncurrentVersionTransition
};

using LifecycleRules = std::vector<LifecycleRule>;

}  // namespace cairn
