#include "util/checksum_of.h"

#include "checksum/s3_checksum.h"

namespace cairn {

std::optional<std::string> ChecksumOf(std::string_view algorithm, std::string_view data) {
  auto a = checksum::FromName(algorithm);
  if (!a) return std::nullopt;
  return checksum::Of(*a, data);
}

std::string ChecksumElement(std::string_view algorithm) {
  auto a = checksum::FromName(algorithm);
  return a ? std::string(checksum::XmlElement(*a)) : "";
}

}  // namespace cairn
