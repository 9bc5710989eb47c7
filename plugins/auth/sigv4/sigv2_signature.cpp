#include "sigv2_signature.h"

#include <algorithm>
#include <array>
#include <map>
#include <utility>
#include <vector>

#include "canonical_request.h"
#include "crypto.h"

namespace cairn::sigv4 {

namespace {

// The query parameters botocore's HmacV1Auth signs (its QSAOfInterest), which include every
// sub-resource AWS documents for Signature Version 2 and the response-* overrides. A parameter
// on this list that a client left out, or one off it that a client signed, would make every
// such request fail, so the list follows the reference client, not a guess. Other parameters
// are not signed, in S3 either: whoever holds a presigned URL can change them (a listing's
// prefix, say). SigV4 signs every parameter.
constexpr std::array<std::string_view, 35> kSubResources = {
    "accelerate",
    "acl",
    "analytics",
    "cors",
    "defaultObjectAcl",
    "delete",
    "inventory",
    "lifecycle",
    "location",
    "logging",
    "metrics",
    "notification",
    "object-lock",
    "partNumber",
    "policy",
    "replication",
    "requestPayment",
    "response-cache-control",
    "response-content-disposition",
    "response-content-encoding",
    "response-content-language",
    "response-content-type",
    "response-expires",
    "restore",
    "select",
    "select-type",
    "storageClass",
    "tagging",
    "torrent",
    "uploadId",
    "uploads",
    "versionId",
    "versioning",
    "versions",
    "website",
};

bool IsSubResource(std::string_view name) {
  return std::find(kSubResources.begin(), kSubResources.end(), name) != kSubResources.end();
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = char(c - 'A' + 'a');
  }
  return out;
}

// The first value of `name`, trimmed, or "".
std::string_view HeaderValue(const HeaderList& headers, std::string_view name) {
  const std::string* value = FindHeader(headers, name);
  return value == nullptr ? std::string_view() : Trim(*value);
}

}  // namespace

std::string CanonicalizedAmzHeaders(const HeaderList& headers) {
  std::map<std::string, std::string> amz;  // ordered by lower-cased name
  for (const auto& [name, value] : headers) {
    std::string lower = Lower(name);
    if (lower.compare(0, 6, "x-amz-") != 0) continue;
    auto [it, inserted] = amz.try_emplace(std::move(lower));
    if (!inserted) it->second += ',';
    it->second += Trim(value);
  }
  std::string out;
  for (const auto& [name, value] : amz) {
    out += name;
    out += ':';
    out += value;
    out += '\n';
  }
  return out;
}

std::string CanonicalizedResource(std::string_view uri, std::string_view virtual_host_bucket) {
  size_t q = uri.find('?');
  std::string out;
  if (!virtual_host_bucket.empty()) {
    out += '/';
    out += virtual_host_bucket;
  }
  std::string_view path = uri.substr(0, q);
  out += path;
  // S3 signs "/<bucket>/<key>": a path-style request for a bucket itself ("/bucket") signs
  // "/bucket/", as virtual-hosted style does, botocore signs and S3 accepts.
  if (virtual_host_bucket.empty() && path.size() > 1 &&
      path.find('/', 1) == std::string_view::npos) {
    out += '/';
  }
  if (q == std::string_view::npos) return out;

  std::vector<std::pair<std::string, std::string>> signed_params;
  std::string_view query = uri.substr(q + 1);
  size_t pos = 0;
  while (pos <= query.size()) {
    size_t amp = query.find('&', pos);
    if (amp == std::string_view::npos) amp = query.size();
    std::string_view piece = query.substr(pos, amp - pos);
    pos = amp + 1;
    size_t eq = piece.find('=');
    // The name as the server reads it (percent-decoded, '+' a space): a sub-resource sent
    // escaped ("%61cl") is still the sub-resource it routes on, so it is signed as one.
    std::string name = PercentDecode(piece.substr(0, eq), /*plus_is_space=*/true);
    if (!IsSubResource(name)) continue;
    std::string item(name);
    if (eq != std::string_view::npos) {
      item += '=';
      item += PercentDecode(piece.substr(eq + 1), /*plus_is_space=*/false);
    }
    signed_params.emplace_back(std::move(name), std::move(item));
  }
  std::stable_sort(signed_params.begin(), signed_params.end(),
                   [](const auto& a, const auto& b) { return a.first < b.first; });
  for (size_t i = 0; i < signed_params.size(); ++i) {
    out += i == 0 ? '?' : '&';
    out += signed_params[i].second;
  }
  return out;
}

std::string SigV2StringToSign(const SigV2Request& request) {
  std::string out(request.method);
  out += '\n';
  out += HeaderValue(*request.headers, "content-md5");
  out += '\n';
  out += HeaderValue(*request.headers, "content-type");
  out += '\n';
  out += request.date;
  out += '\n';
  out += CanonicalizedAmzHeaders(*request.headers);
  out += CanonicalizedResource(request.uri, request.virtual_host_bucket);
  return out;
}

std::string SigV2Sign(std::string_view secret, std::string_view string_to_sign) {
  return Base64Encode(HmacSha1(secret, string_to_sign));
}

}  // namespace cairn::sigv4
