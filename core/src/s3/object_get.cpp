// GetObject and HeadObject: preconditions, ranges, response-* overrides, streaming.
#include "data/object_source.h"
#include "s3/conditions.h"
#include "s3/handlers.h"
#include "s3/object_checksum.h"
#include "s3/object_common.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cairn {
namespace {

struct ByteRange {
  uint64_t first = 0;
  uint64_t last = 0;  // inclusive
};

// Parses a single "bytes=a-b" / "bytes=a-" / "bytes=-n" range against `size`.
// nullopt + ok: no usable range (serve the whole object, as HTTP allows for syntax S3 ignores);
// an error: unsatisfiable (416 InvalidRange).
Result<std::optional<ByteRange>> ParseRange(const std::string& header, uint64_t size) {
  std::optional<ByteRange> none;
  if (header.rfind("bytes=", 0) != 0) return none;
  std::string spec = header.substr(6);
  if (spec.find(',') != std::string::npos) return none;  // S3 ignores multiple ranges
  size_t dash = spec.find('-');
  if (dash == std::string::npos) return none;
  std::string a = spec.substr(0, dash), b = spec.substr(dash + 1);
  auto digits = [](const std::string& s) {
    return !s.empty() && s.size() < 20 && s.find_first_not_of("0123456789") == std::string::npos;
  };
  Status unsatisfiable = Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRange", "");
  if (a.empty()) {
    if (!digits(b)) return none;
    uint64_t n = std::stoull(b);
    if (n == 0 || size == 0) return unsatisfiable;
    n = std::min(n, size);
    return std::optional<ByteRange>(ByteRange{size - n, size - 1});
  }
  if (!digits(a) || (!b.empty() && !digits(b))) return none;
  uint64_t first = std::stoull(a);
  uint64_t last = b.empty() ? size - 1 : std::stoull(b);
  if (!b.empty() && last < first) return none;
  if (first >= size) return unsatisfiable;
  return std::optional<ByteRange>(ByteRange{first, std::min(last, size - 1)});
}

// The byte range of part `partNumber` (InvalidPart beyond the last part); nullopt for a
// part of zero bytes (a multipart upload's last part may be empty), which no range can name.
Result<std::optional<ByteRange>> PartRange(const S3Request& req, const ObjectRecord& o) {
  std::string v = req.Query("partNumber");
  if (v.empty() || v.size() > 5 || v.find_first_not_of("0123456789") != std::string::npos ||
      std::stoul(v) < 1 || std::stoul(v) > 10000) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                      "Part number must be an integer between 1 and 10000, inclusive");
  }
  if (req.HasHeader("Range")) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                      "Cannot specify both Range header and partNumber query parameter");
  }
  uint32_t n = std::stoul(v);
  uint32_t parts = o.parts_count > 0 ? o.parts_count : 1;
  // Beyond the last part S3 answers 400 InvalidPart (ceph/s3-tests agrees); a part of an empty
  // object cannot be named by any range.
  if (n > parts) {
    return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidPart",
                      "The requested part number " + std::to_string(n) + " is beyond the " +
                          std::to_string(parts) + " part(s) of the object.");
  }
  if (o.size == 0) return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidPartNumber", "");
  if (o.parts_count == 0) return std::optional<ByteRange>(ByteRange{0, o.size - 1});
  uint64_t first = 0;
  for (uint32_t i = 0; i + 1 < n; ++i) first += o.segments[i].size;
  if (o.segments[n - 1].size == 0) return std::optional<ByteRange>();
  return std::optional<ByteRange>(ByteRange{first, first + o.segments[n - 1].size - 1});
}

}  // namespace

S3Outcome GetObject(S3Request& req) {
  if (auto e = ValidateKey(req.key)) return e;
  auto bucket = RequireBucket(req, req.bucket);
  if (!bucket.ok()) return ToS3(bucket.status());
  auto obj = LoadRequestedObject(req);
  if (!obj.ok()) return ToS3(obj.status());
  const ObjectRecord& o = obj.value();
  SetVersionIdHeader(req, bucket->record, o);
  if (!req.HasQuery("versionId")) SetExpirationHeader(req, bucket->record, o);
  if (auto e = CheckPreconditions(req, o, "")) {
    if (e->http_status == 304) {
      req.response.Set("ETag", Quoted(o.etag));
      req.response.SetStatus(304);
      req.response.Send();
      return std::nullopt;
    }
    return e;
  }
  auto range = ParseRange(req.Header("Range"), o.size);
  if (!range.ok()) {
    req.response.Set("Content-Range", "bytes */" + std::to_string(o.size));
    return ToS3(range.status());
  }
  bool empty_part = false;
  // partNumber=N reads part N of a multipart object (a plain object is one part), like a range.
  if (req.HasQuery("partNumber")) {
    auto part = PartRange(req, o);
    if (!part.ok()) return ToS3(part.status());
    range = part.value();
    empty_part = !part.value();
    if (o.parts_count > 0) req.response.Set("x-amz-mp-parts-count", std::to_string(o.parts_count));
    size_t n = std::stoul(req.Query("partNumber"));
    if (!o.checksum_algorithm.empty()) {
      req.response.Set("x-amz-checksum-type", ChecksumTypeOf(o.checksum));
    }
    if (req.Header("x-amz-checksum-mode") == "ENABLED" && n <= o.part_checksums.size()) {
      req.response.Set("x-amz-checksum-" + o.checksum_algorithm, o.part_checksums[n - 1]);
    }
  } else if (!range.value() && req.Header("x-amz-checksum-mode") == "ENABLED") {
    SetChecksumHeaders(req, o.checksum_algorithm, o.checksum);
  }

  SetObjectHeaders(req, o);
  // response-* overrides apply to signed requests only, as in S3.
  static const std::pair<const char*, const char*> kOverrides[] = {
      {"response-content-type", "Content-Type"},
      {"response-content-language", "Content-Language"},
      {"response-expires", "Expires"},
      {"response-cache-control", "Cache-Control"},
      {"response-content-disposition", "Content-Disposition"},
      {"response-content-encoding", "Content-Encoding"}};
  for (const auto& [param, header] : kOverrides) {
    if (req.HasQuery(param)) {
      if (req.principal.anonymous) {
        return S3Error::Of("InvalidRequest", "Request specific response headers cannot be used "
                                             "for anonymous GET requests.");
      }
      // A value becomes a response header: CR or LF in it would let a crafted URL add
      // headers (Set-Cookie) or a body of its choosing.
      const std::string value = req.Query(param);
      if (!IsHeaderValueSafe(value)) {
        return S3Error::Of("InvalidArgument", std::string(param) +
                                                  " must not contain control characters.");
      }
      req.response.Set(header, value);
    }
  }
  uint64_t first = 0, count = empty_part ? 0 : o.size;
  int status = 200;
  if (range.value()) {
    first = range.value()->first;
    count = range.value()->last - first + 1;
    status = 206;
    req.response.Set("Content-Range", "bytes " + std::to_string(first) + "-" +
                                          std::to_string(range.value()->last) + "/" +
                                          std::to_string(o.size));
  }
  req.response.SetStatus(status);
  req.response.SetContentLength(count);
  if (req.method == "HEAD" || count == 0) {
    req.response.Send();
    return std::nullopt;
  }

  // Headers go out with the first verified bytes: a stripe that cannot be read before then
  // still gets a proper error response; after, the connection is cut (never wrong data).
  std::ostream* out = nullptr;
  bool client_gone = false;
  auto sink = [&](const uint8_t* data, size_t size) -> Status {
    if (out == nullptr) out = &req.response.Send();
    out->write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
    client_gone = !*out;
    return client_gone ? Status::IOError("client went away") : Status::Ok();
  };
  std::string what = req.bucket + "/" + req.key;
  Status st = ReadObjectRange(req.svc.data, o, first, count, sink, what);
  if (!st.ok()) {
    if (out == nullptr) return ToS3(st);
    // Bytes already went out: cut the connection so the client sees a short body.
    if (!client_gone) LogError("s3", "aborting response of " + what + ": " + st.ToString());
    req.response.Abort();
  }
  return std::nullopt;
}

}  // namespace cairn
