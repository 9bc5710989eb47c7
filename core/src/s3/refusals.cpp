#include "s3/refusals.h"

#include <Poco/String.h>

#include <string_view>
#include <vector>

#include "objects/versions.h"

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
      {"x-amz-website-redirect-location", {}, "NotImplemented",
       "Website redirects (x-amz-website-redirect-location) are not implemented by Cairn yet."},
      {"x-amz-mfa", {}, "NotImplemented", "MFA delete (x-amz-mfa) is not implemented by Cairn."},
      {"x-amz-write-offset-bytes", {}, "NotImplemented",
       "Appending to objects (x-amz-write-offset-bytes) is not implemented by Cairn."},
      // A default minimum size for transitions would change which objects move; Cairn's rules
      // move objects of any size unless a rule's ObjectSizeGreaterThan says otherwise.
      {"x-amz-transition-default-minimum-object-size", {}, "NotImplemented",
       "A default minimum object size for transitions "
       "(x-amz-transition-default-minimum-object-size) is not implemented by Cairn: use "
       "ObjectSizeGreaterThan in the rule's Filter."},
  };
  return kRows;
}

// Object lock headers mean something on the requests that take them and nowhere else.
S3Outcome RefuseMisplacedLockHeaders(const S3Request& req) {
  const bool object = !req.key.empty();
  const std::string& m = req.method;
  const bool new_version =
      object && ((m == "PUT" && !req.HasQuery("uploadId") && !req.HasQuery("tagging") &&
                  !req.HasQuery("retention") && !req.HasQuery("legal-hold")) ||
                 (m == "POST" && req.HasQuery("uploads")));
  for (const char* header : {"x-amz-object-lock-mode", "x-amz-object-lock-retain-until-date",
                             "x-amz-object-lock-legal-hold"}) {
    if (req.HasHeader(header) && !new_version) {
      return S3Error::Of("InvalidRequest", std::string(header) + " is only valid on PutObject, "
                                                                 "CopyObject and "
                                                                 "CreateMultipartUpload.");
    }
  }
  const bool bypass_applies =
      (object && m == "DELETE" && !req.HasQuery("uploadId") && !req.HasQuery("tagging")) ||
      (object && m == "PUT" && req.HasQuery("retention")) ||
      (!object && m == "POST" && req.HasQuery("delete"));
  if (req.HasHeader("x-amz-bypass-governance-retention") && !bypass_applies) {
    return S3Error::Of("InvalidRequest", "x-amz-bypass-governance-retention is only valid on "
                                         "DeleteObject, DeleteObjects and PutObjectRetention.");
  }
  if (req.HasHeader("x-amz-bucket-object-lock-enabled") && !(!object && m == "PUT" &&
                                                              req.query.empty())) {
    return S3Error::Of("InvalidRequest",
                       "x-amz-bucket-object-lock-enabled is only valid on CreateBucket.");
  }
  return std::nullopt;
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
  if (auto e = RefuseMisplacedLockHeaders(req)) return e;
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
  // versionId selects the version that GET, HEAD, DELETE and the object's tagging,
  // attributes, retention and legal hold act on; no other operation takes one.
  auto version = req.query.find("versionId");
  if (version != req.query.end()) {
    const std::string& m = req.method;
    const bool takes_version =
        !req.key.empty() && !req.HasQuery("uploadId") &&
        (m == "GET" || m == "HEAD" || m == "DELETE" ||
         (m == "PUT" && (req.HasQuery("tagging") || req.HasQuery("retention") ||
                         req.HasQuery("legal-hold"))));
    if (!takes_version) {
      return S3Error::Of("InvalidArgument", "This operation does not take a versionId.");
    }
    if (Status st = ValidateVersionId(version->second); !st.ok()) return S3Error::FromStatus(st);
  }
  return std::nullopt;
}

}  // namespace cairn
