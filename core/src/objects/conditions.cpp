#include "objects/conditions.h"

#include "objects/versions.h"

#include "util/clock.h"

namespace cairn {
namespace {

Status PreconditionFailed() {
  return Status::S3(CAIRN_CONFLICT, "PreconditionFailed", "");
}

}  // namespace

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

Status CheckWriteCondition(const WriteCondition& c, const ObjectRecord* current) {
  if (!c.if_match.empty()) {
    if (current == nullptr) return Status::S3(CAIRN_NOT_FOUND, "NoSuchKey", "");
    if (!EtagListMatches(c.if_match, current->etag)) return PreconditionFailed();
  }
  if (!c.if_none_match.empty() && current != nullptr &&
      EtagListMatches(c.if_none_match, current->etag)) {
    return PreconditionFailed();
  }
  return Status::Ok();
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

Status CheckDeleteCondition(const DeleteCondition& c, const ObjectRecord& current) {
  if (!c.if_match.empty() && !EtagListMatches(c.if_match, current.etag)) {
    return PreconditionFailed();
  }
  if (c.last_modified_s && *c.last_modified_s != current.modified_ms / 1000) {
    return PreconditionFailed();
  }
  if (c.size && *c.size != current.size) return PreconditionFailed();
  if (c.version_seq && *c.version_seq != SeqOf(current)) return PreconditionFailed();
  return Status::Ok();
}

}  // namespace cairn
