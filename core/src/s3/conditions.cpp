#include "s3/conditions.h"

#include "util/clock.h"

namespace cairn {

S3Outcome CheckPreconditions(const S3Request& req, const ObjectRecord& o,
                             const std::string& prefix) {
  const bool copy = !prefix.empty();
  const int64_t modified = o.modified_ms / 1000;
  std::string if_match = req.Header(prefix + "If-Match");
  std::string if_none = req.Header(prefix + "If-None-Match");
  std::string if_unmod = req.Header(prefix + "If-Unmodified-Since");
  std::string if_mod = req.Header(prefix + "If-Modified-Since");
  if (!if_match.empty()) {
    if (!EtagListMatches(if_match, o.etag)) return S3Error::Of("PreconditionFailed");
  } else if (!if_unmod.empty()) {
    auto t = ParseHttpDate(if_unmod);
    if (t && modified > *t) return S3Error::Of("PreconditionFailed");
  }
  S3Error not_modified = copy ? S3Error::Of("PreconditionFailed") : S3Error::Of("NotModified");
  if (!if_none.empty()) {
    if (EtagListMatches(if_none, o.etag)) return not_modified;
  } else if (!if_mod.empty()) {
    auto t = ParseHttpDate(if_mod);
    if (t && modified <= *t && *t <= NowMillis() / 1000) return not_modified;
  }
  return std::nullopt;
}

WriteCondition WriteConditionOf(const S3Request& req) {
  return WriteCondition{req.Header("If-Match"), req.Header("If-None-Match")};
}

Result<DeleteCondition> DeleteConditionOf(const S3Request& req) {
  return DeleteConditionOf(req.Header("If-Match"),
                           req.Header("x-amz-if-match-last-modified-time"),
                           req.Header("x-amz-if-match-size"));
}

}  // namespace cairn
