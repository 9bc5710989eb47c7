// GetObjectAttributes (GET /bucket/key?attributes): the attributes x-amz-object-attributes
// names -- ETag, Checksum, ObjectParts, StorageClass, ObjectSize -- without the body.
// ObjectParts lists a multipart object's parts (numbered 1..N in object order, as partNumber
// reads number them), paginated by x-amz-max-parts and x-amz-part-number-marker.
#include <Poco/String.h>

#include <set>

#include "s3/handlers.h"
#include "s3/object_checksum.h"
#include "s3/object_common.h"
#include "s3/xml.h"
#include "util/clock.h"

namespace cairn {
namespace {

constexpr const char* kAttributes[] = {"ETag", "Checksum", "ObjectParts", "StorageClass",
                                       "ObjectSize"};

// The attribute names of x-amz-object-attributes (comma-separated, each listed once or more).
Result<std::set<std::string>> ParseAttributes(const std::string& header) {
  std::set<std::string> wanted;
  size_t start = 0;
  while (start <= header.size()) {
    size_t comma = header.find(',', start);
    if (comma == std::string::npos) comma = header.size();
    std::string name = Poco::trim(header.substr(start, comma - start));
    start = comma + 1;
    if (name.empty()) continue;
    bool known = false;
    for (const char* a : kAttributes) known |= name == a;
    if (!known) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                        "Invalid attribute name specified: " + name.substr(0, 64));
    }
    wanted.insert(name);
  }
  if (wanted.empty()) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                      "The x-amz-object-attributes header specifying the attributes to be "
                      "retrieved is either missing or empty");
  }
  return wanted;
}

// A non-negative integer header, `def` when absent; nullopt when malformed.
std::optional<uint32_t> NumberHeader(const S3Request& req, const std::string& name, uint32_t def,
                                     uint32_t max) {
  if (!req.HasHeader(name)) return def;
  std::string v = req.Header(name);
  if (v.empty() || v.size() > 9 || v.find_first_not_of("0123456789") != std::string::npos) {
    return std::nullopt;
  }
  return std::min<uint32_t>(std::stoul(v), max);
}

void AppendChecksum(std::string& xml, const std::string& algorithm, const std::string& value) {
  auto a = checksum::FromName(algorithm);
  if (a && !value.empty()) XmlTag(xml, std::string(checksum::XmlElement(*a)), value);
}

std::string ObjectPartsXml(const ObjectRecord& o, uint32_t max_parts, uint32_t marker) {
  std::string xml = "<ObjectParts>";
  XmlTag(xml, "PartsCount", std::to_string(o.parts_count));
  XmlTag(xml, "PartNumberMarker", std::to_string(marker));
  XmlTag(xml, "MaxParts", std::to_string(max_parts));
  std::string parts;
  uint32_t last = marker;
  bool truncated = false;
  for (uint32_t n = marker + 1; n <= o.parts_count && n <= o.segments.size(); ++n) {
    if (n - marker > max_parts) {
      truncated = true;
      break;
    }
    parts += "<Part>";
    XmlTag(parts, "PartNumber", std::to_string(n));
    XmlTag(parts, "Size", std::to_string(o.segments[n - 1].size));
    if (n <= o.part_checksums.size()) {
      AppendChecksum(parts, o.checksum_algorithm, o.part_checksums[n - 1]);
    }
    parts += "</Part>";
    last = n;
  }
  XmlTag(xml, "IsTruncated", truncated ? "true" : "false");
  if (truncated) XmlTag(xml, "NextPartNumberMarker", std::to_string(last));
  return xml + parts + "</ObjectParts>";
}

}  // namespace

S3Outcome GetObjectAttributes(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto wanted = ParseAttributes(req.Header("x-amz-object-attributes"));
  if (!wanted.ok()) return ToS3(wanted.status());
  auto max_parts = NumberHeader(req, "x-amz-max-parts", 1000, 1000);
  auto marker = NumberHeader(req, "x-amz-part-number-marker", 0, 10000);
  if (!max_parts || !marker) {
    return S3Error::Of("InvalidArgument", "x-amz-max-parts and x-amz-part-number-marker must be "
                                          "non-negative integers");
  }
  auto obj = LoadRequestedObject(req);
  if (!obj.ok()) return ToS3(obj.status());
  const ObjectRecord& o = obj.value();
  SetVersionIdHeader(req, bucket->record, o);
  auto has = [&](const char* a) { return wanted->count(a) > 0; };

  std::string xml = std::string("<GetObjectAttributesResponse xmlns=\"") + kS3Namespace + "\">";
  if (has("ETag")) XmlTag(xml, "ETag", o.etag);
  if (has("Checksum") && !o.checksum.empty()) {
    xml += "<Checksum>";
    AppendChecksum(xml, o.checksum_algorithm, o.checksum);
    XmlTag(xml, "ChecksumType", ChecksumTypeOf(o.checksum));
    xml += "</Checksum>";
  }
  if (has("ObjectParts") && o.parts_count > 0) xml += ObjectPartsXml(o, *max_parts, *marker);
  if (has("StorageClass")) XmlTag(xml, "StorageClass", o.storage_class);
  if (has("ObjectSize")) XmlTag(xml, "ObjectSize", std::to_string(o.size));
  xml += "</GetObjectAttributesResponse>";
  req.response.Set("Last-Modified", HttpDate(o.modified_ms));
  req.SendXml(200, xml);
  return std::nullopt;
}

}  // namespace cairn
