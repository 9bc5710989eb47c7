// ListObjects (v1) and ListObjectsV2: prefix, delimiter, max-keys, marker / continuation-token /
// start-after, fetch-owner, encoding-type=url, CommonPrefixes. A listing is a range scan of
// "o/<bucket>/<prefix>" that seeks past each common prefix instead of reading its keys.
#include "meta/keys.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace cairn {
namespace {

struct Listing {
  std::vector<std::pair<std::string, ObjectRecord>> objects;
  std::vector<std::string> prefixes;
  bool truncated = false;
  std::string last;  // the last key or prefix returned: where the next page starts
};

// Lists keys greater than `after` (exclusive) in the bucket.
Status List(Services& svc, const std::string& bucket, const std::string& prefix,
            const std::string& delimiter, const std::string& after, size_t max_keys,
            Listing* out) {
  const std::string base = keys::ObjectPrefix(bucket);
  std::string start = base + prefix;
  if (!after.empty() && base + after >= start) {
    start = base + after;
    start.push_back('\0');  // the first key after `after`
    // A marker that is a common prefix stands for every key under it.
    if (!delimiter.empty() && after.size() >= prefix.size() + delimiter.size() &&
        after.ends_with(delimiter) && after.find(delimiter, prefix.size()) == after.size() - delimiter.size()) {
      start = keys::PrefixEnd(base + after);
      if (start.empty()) return Status::Ok();
    }
  }
  const std::string end = keys::PrefixEnd(base + prefix);
  size_t count = 0;
  while (true) {
    std::vector<KeyValue> rows;
    CAIRN_RETURN_IF_ERROR(svc.meta.Scan(start, end, 1000, &rows));
    if (rows.empty()) return Status::Ok();
    for (size_t i = 0; i < rows.size(); ++i) {
      std::string key = rows[i].key.substr(base.size());
      if (count == max_keys) {
        out->truncated = true;
        return Status::Ok();
      }
      if (!delimiter.empty()) {
        size_t pos = key.find(delimiter, prefix.size());
        if (pos != std::string::npos) {
          std::string common = key.substr(0, pos + delimiter.size());
          out->prefixes.push_back(common);
          out->last = common;
          ++count;
          // Seek past every key under this common prefix.
          start = keys::PrefixEnd(base + common);
          if (start.empty()) return Status::Ok();
          goto next_batch;
        }
      }
      {
        ObjectRecord rec;
        CAIRN_RETURN_IF_ERROR(Decode(rows[i].value, &rec));
        out->objects.emplace_back(key, std::move(rec));
        out->last = key;
        ++count;
      }
      if (i + 1 == rows.size()) {
        start = rows[i].key;
        start.push_back('\0');
      }
    }
    if (rows.size() < 1000) {
      // The scan reached the end of the range.
      return Status::Ok();
    }
  next_batch:;
  }
}

}  // namespace

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
      auto token = Base64Decode(req.Query("continuation-token"));
      if (!token || token->empty()) {
        return S3Error::Of("InvalidArgument", "The continuation token provided is incorrect");
      }
      after = *token;
    }
  } else {
    after = req.Query("marker");
  }

  Listing listing;
  if (max_keys > 0) {
    Status st = List(req.svc, req.bucket, prefix, delimiter, after, max_keys, &listing);
    if (!st.ok()) return ToS3(st);
  }

  std::string xml = std::string("<ListBucketResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Name", req.bucket);
  XmlTag(xml, "Prefix", enc(prefix));
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
