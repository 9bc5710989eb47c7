#include "checksum.h"

#include <algorithm>
#include <cctype>

#include "s3_errors.h"

namespace cairn::sigv4 {

namespace {
constexpr std::string_view kPrefix = "x-amz-checksum-";
}  // namespace

std::optional<ChecksumAlgorithm> ChecksumFromHeader(std::string_view name) {
  if (name.size() <= kPrefix.size()) return std::nullopt;
  for (size_t i = 0; i < kPrefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(name[i])) != kPrefix[i]) return std::nullopt;
  }
  // x-amz-checksum-algorithm, -mode and -type are not checksums.
  return checksum::FromName(name.substr(kPrefix.size()));
}

std::string ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  return std::string(kPrefix) + std::string(checksum::Name(algorithm));
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  return checksum::Name(algorithm);
}

size_t ChecksumSize(ChecksumAlgorithm algorithm) { return checksum::Size(algorithm); }

Status CompareChecksum(const ExpectedChecksum& expected, Checksum* actual) {
  if (!ConstantTimeEquals(actual->FinishBase64(), expected.base64)) {
    return errors::BadDigest(ChecksumHeaderName(expected.algorithm));
  }
  return Status::Ok();
}

}  // namespace cairn::sigv4
