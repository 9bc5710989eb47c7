#include "s3/object_checksum.h"

#include <Poco/String.h>

#include "util/encoding.h"

namespace cairn {
namespace {

std::string Upper(std::string_view s) { return Poco::toUpper(std::string(s)); }

S3Outcome UnsupportedAlgorithm() {
  return S3Error::Of("InvalidRequest",
                     "Checksum algorithm provided is unsupported. Please try again with any of "
                     "the valid types: [CRC32, CRC32C, CRC64NVME, SHA1, SHA256]");
}

// "<base64>-<parts>" -> "<base64>"; other values unchanged.
std::string WithoutPartCount(const std::string& checksum) {
  size_t dash = checksum.rfind('-');
  return dash == std::string::npos ? checksum : checksum.substr(0, dash);
}

}  // namespace

S3Outcome ReadUploadChecksum(S3Request& req, UploadRecord* upload) {
  const bool has_type = req.HasHeader("x-amz-checksum-type");
  if (!req.HasHeader("x-amz-checksum-algorithm")) {
    if (!has_type) return std::nullopt;
    return S3Error::Of("InvalidRequest",
                       "The x-amz-checksum-type header can only be used with the "
                       "x-amz-checksum-algorithm header.");
  }
  auto algorithm = checksum::FromName(req.Header("x-amz-checksum-algorithm"));
  if (!algorithm) return UnsupportedAlgorithm();
  std::string type = Upper(req.Header("x-amz-checksum-type"));
  if (!has_type) {
    type = checksum::SupportsComposite(*algorithm) ? kChecksumComposite : kChecksumFullObject;
  } else if (type != kChecksumComposite && type != kChecksumFullObject) {
    return S3Error::Of("InvalidRequest", "Value for x-amz-checksum-type header is invalid.");
  }
  bool allowed = type == kChecksumComposite ? checksum::SupportsComposite(*algorithm)
                                            : checksum::SupportsFullObject(*algorithm);
  if (!allowed) {
    return S3Error::Of("InvalidRequest", "The " + type +
                                             " checksum type cannot be used with the " +
                                             std::string(checksum::Name(*algorithm)) +
                                             " checksum algorithm.");
  }
  upload->checksum_algorithm = checksum::Name(*algorithm);
  upload->checksum_type = type;
  req.response.Set("x-amz-checksum-algorithm", Upper(upload->checksum_algorithm));
  req.response.Set("x-amz-checksum-type", type);
  return std::nullopt;
}

std::string UploadChecksumType(const UploadRecord& upload) {
  if (upload.checksum_algorithm.empty()) return "";
  return upload.checksum_type.empty() ? kChecksumComposite : upload.checksum_type;
}

std::string ChecksumTypeOf(const std::string& checksum) {
  if (checksum.empty()) return "";
  size_t dash = checksum.rfind('-');
  bool composite = dash != std::string::npos && dash + 1 < checksum.size() &&
                   checksum.find_first_not_of("0123456789", dash + 1) == std::string::npos;
  return composite ? kChecksumComposite : kChecksumFullObject;
}

void SetChecksumHeaders(S3Request& req, const std::string& algorithm,
                        const std::string& checksum) {
  if (algorithm.empty() || checksum.empty()) return;
  req.response.Set("x-amz-checksum-" + algorithm, checksum);
  req.response.Set("x-amz-checksum-type", ChecksumTypeOf(checksum));
}

Result<std::string> MultipartChecksum(const UploadRecord& upload,
                                      const std::vector<const PartRecord*>& parts) {
  auto algorithm = checksum::FromName(upload.checksum_algorithm);
  if (!algorithm) return Status::S3(CAIRN_INTERNAL, "InternalError", "unknown checksum algorithm");
  const bool full_object = upload.checksum_type == kChecksumFullObject;
  std::string raw_parts;  // COMPOSITE: the concatenated raw part checksums
  std::optional<std::string> whole;  // FULL_OBJECT: the CRC of the parts so far
  for (const PartRecord* p : parts) {
    std::optional<std::string> raw;
    if (p->checksum_algorithm == upload.checksum_algorithm) raw = Base64Decode(p->checksum);
    if (!raw || raw->size() != checksum::Size(*algorithm)) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidPart",
                        "Part " + std::to_string(p->number) + " has no " +
                            Upper(upload.checksum_algorithm) + " checksum.");
    }
    if (!full_object) {
      raw_parts += *raw;
    } else if (!whole) {
      whole = *raw;
    } else {
      whole = checksum::CombineCrc(*algorithm, *whole, *raw, p->segment.size);
      if (!whole) return Status::S3(CAIRN_INTERNAL, "InternalError", "CRC combination failed");
    }
  }
  if (full_object) return Base64Encode(whole.value_or(checksum::Of(*algorithm, "")));
  return Base64Encode(checksum::Of(*algorithm, raw_parts)) + "-" + std::to_string(parts.size());
}

S3Outcome CheckCompleteChecksum(const S3Request& req, const UploadRecord& upload,
                                const std::string& computed) {
  if (req.HasHeader("x-amz-checksum-type")) {
    std::string type = Upper(req.Header("x-amz-checksum-type"));
    std::string upload_type = UploadChecksumType(upload);
    if (type != upload_type) {
      if (upload_type.empty()) upload_type = "(no)";
      return S3Error::Of("InvalidRequest", "The upload was created using the " + upload_type +
                                               " checksum mode. The complete request must use "
                                               "the same checksum mode.");
    }
  }
  for (checksum::Algorithm a : checksum::kAllAlgorithms) {
    std::string header = "x-amz-checksum-" + std::string(checksum::Name(a));
    if (!req.HasHeader(header)) continue;
    if (checksum::Name(a) != upload.checksum_algorithm) {
      std::string upload_algorithm =
          upload.checksum_algorithm.empty() ? "no" : "the " + upload.checksum_algorithm;
      return S3Error::Of("InvalidRequest", "The upload was created using " + upload_algorithm +
                                               " checksum algorithm; " + header +
                                               " cannot be used to complete it.");
    }
    std::string sent = req.Header(header);
    // A COMPOSITE value may be sent with or without its part count.
    bool same = sent == computed || (ChecksumTypeOf(sent) == kChecksumFullObject &&
                                     ChecksumTypeOf(computed) == kChecksumComposite &&
                                     sent == WithoutPartCount(computed));
    if (!same) {
      return S3Error::Of("BadDigest", "The " + upload.checksum_algorithm +
                                          " you specified did not match the calculated "
                                          "checksum.");
    }
  }
  return std::nullopt;
}

Result<std::optional<checksum::Algorithm>> CopyChecksumAlgorithm(const S3Request& req) {
  if (!req.HasHeader("x-amz-checksum-algorithm")) return std::optional<checksum::Algorithm>();
  auto algorithm = checksum::FromName(req.Header("x-amz-checksum-algorithm"));
  if (!algorithm) return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                                    "Checksum algorithm provided is unsupported. Please try "
                                    "again with any of the valid types: [CRC32, CRC32C, "
                                    "CRC64NVME, SHA1, SHA256]");
  return std::optional<checksum::Algorithm>(algorithm);
}

Result<size_t> ChecksummingSource::Read(uint8_t* out, size_t size) {
  auto n = inner_.Read(out, size);
  if (n.ok()) hasher_.Update(out, n.value());
  return n;
}

std::string ChecksummingSource::FinishBase64() { return Base64Encode(hasher_.Finish()); }

}  // namespace cairn
