#include "s3/conditions.h"

#include "util/clock.h"

namespace cairn {
namespace {

// True when the header lists the ETag (or "*"); quotes and weak markers are ignored.
bool EtagListMatches(const std::string& header, const std::string& etag) {
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    std::string t = header.substr(start, comma == std::string::npos ? std::string::npos : comma - start);
    t.erase(0, t.find_first_not_of(" \t"));
    t.erase(t.find_last_not_of(" \t") + 1);
    if (t.rfind("W/", 0) == 0) t = t.substr(2);
    if (t.size() >= 2 && t.front() == '"' && t.back() == '"') t = t.substr(1, t.size() - 2);
    if (t == "*" || t == etag) return true;
    if (comma == std::string::npos) break;
    start = comma + 1;
  }
  return false;
}

}  // namespace

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

S3Outcome CheckWriteCondition(const WriteCondition& c, const ObjectRecord* current) {
  if (!c.if_match.empty()) {
    if (current == nullptr) return S3Error::Of("NoSuchKey");
    if (!EtagListMatches(c.if_match, current->etag)) return S3Error::Of("PreconditionFailed");
  }
  if (!c.if_none_match.empty() && current != nullptr &&
      EtagListMatches(c.if_none_match, current->etag)) {
    return S3Error::Of("PreconditionFailed");
  }
  return std::nullopt;
}

Result<DeleteCondition> DeleteConditionOf(const std::string& etag, const std::string& modified,
                                          const std::string& size) {
  DeleteCondition c;
  c.if_match = etag;
  if (!modified.empty()) {
    // An HTTP date in the header, an ISO 8601 timestamp in DeleteObjects: Poco reads both.
    c.last_modified_s = ParseHttpDate(modified);
    if (!c.last_modified_s) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                        "The last-modified time condition is not a valid timestamp.");
    }
  }
  if (!size.empty()) {
    if (size.size() > 19 || size.find_first_not_of("0123456789") != std::string::npos) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                        "The size condition is not a valid size.");
    }
    c.size = std::stoull(size);
  }
  return c;
}

Result<DeleteCondition> DeleteConditionOf(const S3Request& req) {
  return DeleteConditionOf(req.Header("If-Match"),
                           req.Header("x-amz-if-match-last-modified-time"),
                           req.Header("x-amz-if-match-size"));
}

S3Outcome CheckDeleteCondition(const DeleteCondition& c, const ObjectRecord& current) {
  if (!c.if_match.empty() && !EtagListMatches(c.if_match, current.etag)) {
    return S3Error::Of("PreconditionFailed");
  }
  if (c.last_modified_s && *c.last_modified_s != current.modified_ms / 1000) {
    return S3Error::Of("PreconditionFailed");
  }
  if (c.size && *c.size != current.size) return S3Error::Of("PreconditionFailed");
  return std::nullopt;
}

}  // namespace cairn
