#include "util/checksum_of.h"

#include <isa-l/crc.h>
#include <openssl/evp.h>

namespace cairn {
namespace {

std::string BigEndian(uint32_t v) {
  return std::string{static_cast<char>(v >> 24), static_cast<char>(v >> 16),
                     static_cast<char>(v >> 8), static_cast<char>(v)};
}

std::string Evp(const EVP_MD* md, std::string_view data) {
  unsigned char out[EVP_MAX_MD_SIZE];
  unsigned int n = 0;
  EVP_Digest(data.data(), data.size(), out, &n, md, nullptr);
  return std::string(reinterpret_cast<char*>(out), n);
}

}  // namespace

std::optional<std::string> ChecksumOf(std::string_view algorithm, std::string_view data) {
  auto* bytes = reinterpret_cast<const unsigned char*>(data.data());
  // Composite inputs are a few bytes per part: the int length of crc32_iscsi cannot overflow.
  if (algorithm == "crc32") return BigEndian(crc32_gzip_refl(0, bytes, data.size()));
  if (algorithm == "crc32c") {
    return BigEndian(~crc32_iscsi(const_cast<unsigned char*>(bytes), static_cast<int>(data.size()),
                                  0xFFFFFFFFu));
  }
  if (algorithm == "sha1") return Evp(EVP_sha1(), data);
  if (algorithm == "sha256") return Evp(EVP_sha256(), data);
  return std::nullopt;
}

std::string ChecksumElement(std::string_view algorithm) {
  if (algorithm == "crc32") return "ChecksumCRC32";
  if (algorithm == "crc32c") return "ChecksumCRC32C";
  if (algorithm == "sha1") return "ChecksumSHA1";
  if (algorithm == "sha256") return "ChecksumSHA256";
  return "";
}

}  // namespace cairn
