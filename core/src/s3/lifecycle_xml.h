// The XML of PutBucketLifecycleConfiguration and GetBucketLifecycleConfiguration: the body is
// parsed and validated into the stored model (meta/lifecycle_rules.h), and the model is written
// back in the form it was put, so a put followed by a get gives the client what it sent (with
// generated IDs filled in). Every fault is an S3-coded Status worded as S3 words it; what the
// rules mean for an object is decided elsewhere (the Lua lifecycle policy). Stateless and
// thread-safe.
#pragma once

#include <set>
#include <string>

#include "cairn/status.h"
#include "meta/lifecycle_rules.h"

namespace cairn {

// The most rules one configuration may hold, as in S3.
inline constexpr size_t kMaxLifecycleRules = 1000;

// Parses and validates a <LifecycleConfiguration>. `storage_classes` are the classes a
// Transition may name ("STANDARD" is always allowed). Rules without an ID, or with an empty
// one, get a generated unique ID, as S3 gives them.
// REQUIRES: the caller bounded the body's size.
Result<LifecycleRules> ParseLifecycleConfiguration(const std::string& body,
                                                   const std::set<std::string>& storage_classes);

// The GetBucketLifecycleConfiguration body for `rules`, in the S3 namespace.
std::string RenderLifecycleConfiguration(const LifecycleRules& rules);

}  // namespace cairn
