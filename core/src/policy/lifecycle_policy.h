// LifecyclePolicy: asks a Lua lifecycle script (scripts/lua/lifecycle.lua by default, or a
// bucket's own script from [lifecycle.buckets]) what to do with one object version or
// multipart upload, and checks the answer before the lifecycle worker acts on it.
//
// The script defines a global function
//   evaluate(rules, object, now) -> nil | {action = ..., storage_class = ..., rule = ..., next = ...}
// with rules = the bucket's lifecycle rules (one table per rule, fields named as in the XML, see
// docs/lua-policy.md), object = the facts of one version or upload, and now = {time = seconds
// since the epoch, day = the seconds of one lifecycle day}. The answer names at most one action
// for now -- "expire" (the current version: a delete marker in a versioned bucket, gone in an
// unversioned one), "delete" (this version, for good), "transition" (to `storage_class`) or
// "abort" (the upload) -- and/or `next`, the time (seconds) to look at the key again; nil means
// nothing to do, ever, under these rules (a write or a rule change looks again).
//
// Thread-safe: calls run on a pool of sandboxes.
#pragma once

#include <cstdint>
#include <memory>
#include <set>
#include <string>

#include "cairn/status.h"
#include "meta/lifecycle_rules.h"
#include "meta/records.h"
#include "policy/lua_sandbox.h"
#include "policy/sandbox_pool.h"

namespace cairn::policy {

// What the script is told about one version of a key, or one multipart upload of it.
struct LifecycleFacts {
  std::string bucket;
  std::string key;
  std::string kind;        // "version", "delete_marker" or "upload"
  std::string version_id;  // "null" or the id; the upload id for an upload
  bool current = false;    // the key's current version
  uint64_t size = 0;
  Pairs tags;
  std::string storage_class;
  int64_t created_ms = 0;          // written, or initiated for an upload
  int64_t noncurrent_since_ms = 0;  // when a newer version superseded it (0: current)
  int64_t newer_noncurrent = 0;    // noncurrent versions of the key newer than this one
  bool only_version = false;       // a delete marker that is the key's only version
  bool locked = false;             // retention running or legal hold on: "delete" will fail
};

struct LifecycleDecision {
  std::string action;         // "", "expire", "delete", "transition" or "abort"
  std::string storage_class;  // for "transition"
  std::string rule;           // the rule id the script names, for reports
  int64_t next_ms = -1;       // when to evaluate again (-1: not unless something changes)
};

class LifecyclePolicy {
 public:
  // Loads and checks the script (syntax, top-level errors, an `evaluate` function): a broken
  // policy stops startup with InvalidArgument naming the file.
  static Result<std::unique_ptr<LifecyclePolicy>> Load(const std::string& script_path,
                                                       const SandboxLimits& limits,
                                                       SandboxLogFn log = nullptr);

  // The decision for one version or upload. Internal (naming the script) when the script
  // fails, exhausts a limit or answers something that does not fit the facts (an unknown
  // action, "expire" of a noncurrent version, "abort" of a version, a transition to an unknown
  // class or to the class the version is already in, a `next` that is not a number).
  Result<LifecycleDecision> Evaluate(const LifecycleRules& rules, const LifecycleFacts& object,
                                     int64_t now_ms, int64_t seconds_per_day,
                                     const std::set<std::string>& storage_classes);

  const std::string& script_path() const { return pool_->script_path(); }

 private:
  explicit LifecyclePolicy(std::unique_ptr<SandboxPool> pool) : pool_(std::move(pool)) {}

  std::unique_ptr<SandboxPool> pool_;
};

}  // namespace cairn::policy
