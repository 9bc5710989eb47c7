// ListObjectVersions (GET /bucket?versions): prefix, delimiter, max-keys, key-marker,
// version-id-marker, encoding-type=url. The walk itself is objects/version_listing.h.
#include "objects/version_listing.h"
#include "objects/versions.h"
#include "s3/handlers.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"
#include "util/encoding.h"

namespace cairn {

S3Outcome ListObjectVersions(S3Request& req) {
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  const std::string encoding = req.Query("encoding-type");
  if (!encoding.empty() && encoding != "url") {
    return S3Error::Of("InvalidArgument", "Invalid Encoding Method specified in Request");
  }
  const bool url = encoding == "url";
  auto enc = [url](const std::string& s) { return url ? UrlEncode(s, true) : s; };
  VersionListRequest r;
  r.bucket = req.bucket;
  r.prefix = req.Query("prefix");
  r.delimiter = req.Query("delimiter");
  r.key_marker = req.Query("key-marker");
  r.version_id_marker = req.Query("version-id-marker");
  if (req.HasQuery("max-keys")) {
    const std::string& mk = req.Query("max-keys");
    if (mk.empty() || mk.size() > 9 || mk.find_first_not_of("0123456789") != std::string::npos) {
      return S3Error::Of("InvalidArgument", "Provided max-keys not an integer or within integer range");
    }
    r.max_keys = std::min<size_t>(std::stoul(mk), 1000);
  }
  VersionListing listing;
  Status st = ListObjectVersions(req.svc, r, &listing);
  if (!st.ok()) return ToS3(st);

  std::string xml = std::string("<ListVersionsResult xmlns=\"") + kS3Namespace + "\">";
  XmlTag(xml, "Name", req.bucket);
  XmlTag(xml, "Prefix", enc(r.prefix));
  XmlTag(xml, "KeyMarker", enc(r.key_marker));
  XmlTag(xml, "VersionIdMarker", r.version_id_marker);
  if (listing.truncated) {
    XmlTag(xml, "NextKeyMarker", enc(listing.next_key_marker));
    if (!listing.next_version_id_marker.empty()) {
      XmlTag(xml, "NextVersionIdMarker", listing.next_version_id_marker);
    }
  }
  XmlTag(xml, "MaxKeys", std::to_string(r.max_keys));
  if (!r.delimiter.empty()) XmlTag(xml, "Delimiter", enc(r.delimiter));
  if (url) XmlTag(xml, "EncodingType", "url");
  XmlTag(xml, "IsTruncated", listing.truncated ? "true" : "false");
  for (const auto& v : listing.versions) {
    const ObjectRecord& o = v.record;
    xml += o.delete_marker ? "<DeleteMarker>" : "<Version>";
    XmlTag(xml, "Key", enc(v.key));
    XmlTag(xml, "VersionId", VersionIdText(o));
    XmlTag(xml, "IsLatest", v.latest ? "true" : "false");
    XmlTag(xml, "LastModified", Iso8601(o.modified_ms));
    if (!o.delete_marker) {
      XmlTag(xml, "ETag", Quoted(o.etag));
      XmlTag(xml, "Size", std::to_string(o.size));
      XmlTag(xml, "StorageClass", o.storage_class);
    }
    xml += OwnerXml(o.owner);
    xml += o.delete_marker ? "</DeleteMarker>" : "</Version>";
  }
  for (const auto& p : listing.prefixes) {
    xml += "<CommonPrefixes>";
    XmlTag(xml, "Prefix", enc(p));
    xml += "</CommonPrefixes>";
  }
  xml += "</ListVersionsResult>";
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
