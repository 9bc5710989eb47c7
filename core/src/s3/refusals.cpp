#include "s3/refusals.h"

#include <Poco/String.h>

#include <string_view>
#include <vector>

namespace cairn {
namespace {

// One row of the refusal matrix: a header (or a prefix of header names), the values that are
// accepted because they ask for what Cairn does anyway, and the error for the rest.
struct Refusal {
  const char* header;       // lower case; a trailing '*' matches any suffix
  std::vector<const char*> accepted;  // values (case-sensitive) that are not refused
  const char* code;
  const char* message;
};

// SSE-C on a read: no object is stored with a customer key, so AWS's answer for an object
// that was not encrypted with one is the exact one.
constexpr const char* kSseNotApplicable = "The encryption parameters are not applicable to this object.";

const std::vector<Refusal>& RefusalMatrix() {
  static const std::vector<Refusal> kRows = {
      {"x-amz-server-side-encryption", {}, "NotImplemented",
       "Server-side encryption (x-amz-server-side-encryption) is not implemented by Cairn yet."},
      {"x-amz-server-side-encryption-aws-kms-key-id", {}, "NotImplemented",
       "SSE-KMS (x-amz-server-side-encryption-aws-kms-key-id) is not implemented by Cairn yet."},
      {"x-amz-server-side-encryption-context", {}, "NotImplemented",
       "SSE-KMS (x-amz-server-side-encryption-context) is not implemented by Cairn yet."},
      {"x-amz-server-side-encryption-bucket-key-enabled", {}, "NotImplemented",
       "S3 Bucket Keys (x-amz-server-side-encryption-bucket-key-enabled) are not implemented "
       "by Cairn yet."},
      {"x-amz-server-side-encryption-customer-*", {}, "NotImplemented",
       "SSE-C (x-amz-server-side-encryption-customer-*) is not implemented by Cairn yet."},
      {"x-amz-copy-source-server-side-encryption-customer-*", {}, "InvalidRequest",
       kSseNotApplicable},
      {"x-amz-acl", {"private", "bucket-owner-full-control"}, "AccessControlListNotSupported",
       "The bucket does not allow ACLs: Cairn buckets are owner-enforced (only x-amz-acl: "
       "private or bucket-owner-full-control is accepted)."},
      {"x-amz-grant-*", {}, "AccessControlListNotSupported",
       "The bucket does not allow ACLs: Cairn buckets are owner-enforced (x-amz-grant-* is "
       "refused)."},
      {"x-amz-object-ownership", {"BucketOwnerEnforced"}, "AccessControlListNotSupported",
       "Only x-amz-object-ownership: BucketOwnerEnforced is supported: Cairn has no ACLs yet."},
      {"x-amz-object-lock-mode", {}, "InvalidRequest",
       "Bucket is missing Object Lock Configuration (object lock is not implemented by Cairn "
       "yet)."},
      {"x-amz-object-lock-retain-until-date", {}, "InvalidRequest",
       "Bucket is missing Object Lock Configuration (object lock is not implemented by Cairn "
       "yet)."},
      {"x-amz-object-lock-legal-hold", {}, "InvalidRequest",
       "Bucket is missing Object Lock Configuration (object lock is not implemented by Cairn "
       "yet)."},
      {"x-amz-bucket-object-lock-enabled", {"false", "False", "FALSE"}, "NotImplemented",
       "Object lock (x-amz-bucket-object-lock-enabled) is not implemented by Cairn yet."},
      {"x-amz-website-redirect-location", {}, "NotImplemented",
       "Website redirects (x-amz-website-redirect-location) are not implemented by Cairn yet."},
      {"x-amz-mfa", {}, "NotImplemented", "MFA delete (x-amz-mfa) is not implemented by Cairn."},
      {"x-amz-write-offset-bytes", {}, "NotImplemented",
       "Appending to objects (x-amz-write-offset-bytes) is not implemented by Cairn."},
  };
  return kRows;
}

bool NameMatches(std::string_view pattern, std::string_view lower_name) {
  if (!pattern.empty() && pattern.back() == '*') {
    return lower_name.starts_with(pattern.substr(0, pattern.size() - 1));
  }
  return lower_name == pattern;
}

// The HTTP preconditions a request other than GET/HEAD may carry: If-Match and If-None-Match
// on PutObject, CopyObject and CompleteMultipartUpload, If-Match on DeleteObject (with
// x-amz-if-match-*). Anything else would be a condition nobody checks.
S3Outcome RefuseUncheckedConditions(const S3Request& req) {
  const bool sub = req.HasQuery("tagging") || req.HasQuery("acl") || req.HasQuery("uploads");
  const bool object = !req.key.empty() && !sub;
  const bool put_or_complete =
      object && ((req.method == "PUT" && !req.HasQuery("uploadId")) ||
                 (req.method == "POST" && req.HasQuery("uploadId")));
  const bool delete_object = object && req.method == "DELETE" && !req.HasQuery("uploadId");
  for (const char* header : {"If-Match", "If-None-Match", "If-Modified-Since",
                             "If-Unmodified-Since"}) {
    if (!req.HasHeader(header)) continue;
    const std::string_view h(header);
    const bool checked = (put_or_complete && (h == "If-Match" || h == "If-None-Match")) ||
                         (delete_object && h == "If-Match");
    if (!checked) {
      return S3Error::Of("NotImplemented", std::string(header) +
                                               " is not supported on this request: only "
                                               "GetObject, HeadObject, PutObject, CopyObject, "
                                               "CompleteMultipartUpload and DeleteObject "
                                               "(If-Match) check conditions.");
    }
  }
  return std::nullopt;
}

}  // namespace

S3Outcome RefuseUnimplemented(const S3Request& req) {
  const bool read = req.method == "GET" || req.method == "HEAD";
  if (!read) {
    if (auto e = RefuseUncheckedConditions(req)) return e;
  }
  for (const auto& [name, value] : req.http.headers()) {
    const std::string lower = Poco::toLower(name);
    if (lower.rfind("x-amz-", 0) != 0) continue;
    for (const Refusal& row : RefusalMatrix()) {
      if (!NameMatches(row.header, lower)) continue;
      bool accepted = false;
      for (const char* v : row.accepted) accepted |= value == v;
      if (accepted) break;
      if (read && lower.rfind("x-amz-server-side-encryption-customer-", 0) == 0) {
        return S3Error::Of("InvalidRequest", kSseNotApplicable);
      }
      return S3Error::Of(row.code, row.message);
    }
  }
  // Object versions: "null" names the only version an unversioned bucket has.
  auto version = req.query.find("versionId");
  if (version != req.query.end() && version->second != "null") {
    return S3Error::Of("NotImplemented",
                       "Object versions (versionId) are not implemented by Cairn yet.");
  }
  return std::nullopt;
}

}  // namespace cairn
