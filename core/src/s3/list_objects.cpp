// ListObjects (v1) and ListObjectsV2: prefix, delimiter, max-keys, marker / continuation-token /
// start-after, fetch-owner, encoding-type=url, CommonPrefixes. The listing itself is
// meta/listing.h; this file is the S3 request and response.
#include "meta/listing.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace cairn {
S3Outcome ListObjects(S3Request& req) {
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  const bool v2 = req.Query("list-type") == "2";
  std::string encoding = req.Query("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return S3Error::Of("InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  const bool url = encoding == "url";
  auto enc = [url](const std::string& s) { return url ? UrlEncode(s, true) : s; };
  std::string prefix = req.Query("prefix");
  std::string delimiter = req.Query("delimiter");
  size_t max_keys = 1000;
  if (req.HasQuery("max-keys")) {
    const std::string& mk = req.Query("max-keys");
    if (mk.empty() || mk.size() > 9 || mk.find_first_not_of("0123456789") != std::string::npos) {
      return S3Error::Of("InvalidArgument", "Provided max-keys not an integer or within integer range");
    }
    max_keys = std::min<size_t>(std::stoul(mk), 1000);
  }
  std::string after;
  if (v2) {
    after = req.Query("start-after");
    if (req.HasQuery("continuation-token")) {
      // An empty token is the first page, as in S3 (clients send one to start).
      auto token = Base64Decode(req.Query("continuation-token"));
      if (!token) {
        return S3Error::Of("InvalidArgument", "The continuation token provided is incorrect");
      }
      if (!token->empty()) after = *token;
    }
  } else {
    after = req.Query("marker");
  }

  Listing listing;
  if (max_keys > 0) {
    Status st = ListObjectKeys(req.svc.meta, {req.bucket, prefix, delimiter, after, max_keys},
                               &listing);
    if (!st.ok()) return ToS3(st);
  }

  std::string xml = std::string("<ListBucketResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Name", req.bucket);
  // With encoding-type=url S3 encodes the Prefix element of ListObjectsV2 but not of
  // ListObjects (v1): SDKs decode exactly that way, so a prefix like "\n" round-trips.
  XmlTag(xml, "Prefix", v2 ? enc(prefix) : prefix);
  if (v2) {
    if (req.HasQuery("start-after")) XmlTag(xml, "StartAfter", enc(req.Query("start-after")));
    if (req.HasQuery("continuation-token")) {
      XmlTag(xml, "ContinuationToken", req.Query("continuation-token"));
    }
    if (listing.truncated) XmlTag(xml, "NextContinuationToken", Base64Encode(listing.last));
    XmlTag(xml, "KeyCount", std::to_string(listing.objects.size() + listing.prefixes.size()));
  } else {
    XmlTag(xml, "Marker", enc(req.Query("marker")));
    // S3 sends NextMarker only with a delimiter; clients otherwise use the last key.
    if (listing.truncated && !delimiter.empty()) XmlTag(xml, "NextMarker", enc(listing.last));
  }
  XmlTag(xml, "MaxKeys", std::to_string(max_keys));
  if (!delimiter.empty()) XmlTag(xml, "Delimiter", enc(delimiter));
  if (url) XmlTag(xml, "EncodingType", "url");
  XmlTag(xml, "IsTruncated", listing.truncated ? "true" : "false");
  const bool owner = !v2 || req.Query("fetch-owner") == "true";
  for (const auto& [key, rec] : listing.objects) {
    xml += "<Contents>";
    XmlTag(xml, "Key", enc(key));
    XmlTag(xml, "LastModified", Iso8601(rec.modified_ms));
    XmlTag(xml, "ETag", Quoted(rec.etag));
    XmlTag(xml, "Size", std::to_string(rec.size));
    if (owner) xml += OwnerXml(rec.owner);
    XmlTag(xml, "StorageClass", rec.storage_class);
    xml += "</Contents>";
  }
  for (const auto& p : listing.prefixes) {
    xml += "<CommonPrefixes>";
    XmlTag(xml, "Prefix", enc(p));
    xml += "</CommonPrefixes>";
  }
  xml += "</ListBucketResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
