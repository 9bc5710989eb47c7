#include "objects/object_lock.h"

namespace cairn {
namespace {

Status Locked(const std::string& why) {
  return Status::AccessDenied("AccessDenied", "Access Denied because object protected by object "
                                              "lock" + why + ".");
}

}  // namespace

bool IsLockMode(const std::string& mode) {
  return mode == kLockGovernance || mode == kLockCompliance;
}

Status CheckDeletable(const ObjectRecord& version, int64_t now_ms, bool bypass_governance) {
  if (version.lock.legal_hold) return Locked(" (legal hold)");
  if (version.lock.retain_until_ms > now_ms) {
    if (version.lock.mode == kLockCompliance) return Locked(" (COMPLIANCE retention)");
    if (!bypass_governance) return Locked(" (GOVERNANCE retention)");
  }
  return Status::Ok();
}

Status CheckRetentionChange(const ObjectLock& current, const ObjectLock& next, int64_t now_ms,
                            bool bypass_governance) {
  if (current.mode.empty() || current.retain_until_ms <= now_ms) return Status::Ok();
  const bool extends = next.mode == current.mode && next.retain_until_ms >= current.retain_until_ms;
  if (extends) return Status::Ok();
  if (current.mode == kLockCompliance) {
    return Locked(": COMPLIANCE retention can only be extended");
  }
  if (!bypass_governance) {
    return Locked(": shortening GOVERNANCE retention needs x-amz-bypass-governance-retention");
  }
  return Status::Ok();
}

Result<ObjectLock> LockForNewVersion(const BucketRecord& bucket, const ObjectLock& requested,
                                     int64_t now_ms) {
  const bool asked = !requested.mode.empty() || requested.legal_hold;
  if (!bucket.object_lock) {
    if (asked) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                        "Bucket is missing Object Lock Configuration");
    }
    return ObjectLock{};
  }
  ObjectLock lock = requested;
  if (lock.mode.empty() && !bucket.default_retention_mode.empty()) {
    constexpr int64_t kDayMs = 24LL * 3600 * 1000;
    lock.mode = bucket.default_retention_mode;
    lock.retain_until_ms = now_ms + kDayMs * (bucket.default_retention_days +
                                              365LL * bucket.default_retention_years);
  }
  return lock;
}

}  // namespace cairn
