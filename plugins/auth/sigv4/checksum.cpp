#include "checksum.h"

#include <isa-l/crc.h>

#include <algorithm>
#include <cctype>

#include "s3_errors.h"

namespace cairn::sigv4 {

namespace {
// crc32_iscsi takes an int length; larger feeds go through in pieces.
constexpr size_t kMaxCrcPiece = size_t{1} << 30;
}  // namespace

std::optional<ChecksumAlgorithm> ChecksumFromHeader(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (auto a : {ChecksumAlgorithm::kCrc32, ChecksumAlgorithm::kCrc32c, ChecksumAlgorithm::kSha1,
                 ChecksumAlgorithm::kSha256}) {
    if (lower == ChecksumHeaderName(a)) return a;
  }
  return std::nullopt;
}

std::string_view ChecksumHeaderName(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kCrc32:
      return "x-amz-checksum-crc32";
    case ChecksumAlgorithm::kCrc32c:
      return "x-amz-checksum-crc32c";
    case ChecksumAlgorithm::kSha1:
      return "x-amz-checksum-sha1";
    case ChecksumAlgorithm::kSha256:
      return "x-amz-checksum-sha256";
  }
  return "";
}

std::string_view ChecksumAlgorithmName(ChecksumAlgorithm algorithm) {
  return ChecksumHeaderName(algorithm).substr(sizeof("x-amz-checksum-") - 1);
}

size_t ChecksumSize(ChecksumAlgorithm algorithm) {
  switch (algorithm) {
    case ChecksumAlgorithm::kSha1:
      return 20;
    case ChecksumAlgorithm::kSha256:
      return 32;
    default:
      return 4;
  }
}

Checksum::Checksum(ChecksumAlgorithm algorithm) : algorithm_(algorithm) {
  // ISA-L's conventions differ per function: crc32_gzip_refl takes and returns the finished CRC
  // (start at 0), crc32_iscsi works on the raw register (start at ~0, invert at the end).
  if (algorithm == ChecksumAlgorithm::kCrc32c) crc_ = 0xFFFFFFFFu;
  if (algorithm == ChecksumAlgorithm::kSha1) digest_.emplace(Digest::Kind::kSha1);
  if (algorithm == ChecksumAlgorithm::kSha256) digest_.emplace(Digest::Kind::kSha256);
}

void Checksum::Update(const uint8_t* data, size_t size) {
  if (digest_) {
    digest_->Update(data, size);
    return;
  }
  while (size > 0) {
    size_t n = std::min(size, kMaxCrcPiece);
    if (algorithm_ == ChecksumAlgorithm::kCrc32) {
      crc_ = crc32_gzip_refl(crc_, data, n);
    } else {
      crc_ = crc32_iscsi(const_cast<uint8_t*>(data), static_cast<int>(n), crc_);
    }
    data += n;
    size -= n;
  }
}

std::string Checksum::FinishBase64() {
  if (digest_) return Base64Encode(digest_->Finish());
  uint32_t v = algorithm_ == ChecksumAlgorithm::kCrc32c ? ~crc_ : crc_;
  // S3 sends CRCs big-endian.
  char be[4] = {char(v >> 24), char(v >> 16), char(v >> 8), char(v)};
  return Base64Encode(std::string_view(be, 4));
}

Status CompareChecksum(const ExpectedChecksum& expected, Checksum* actual) {
  if (!ConstantTimeEquals(actual->FinishBase64(), expected.base64)) {
    return errors::BadDigest(std::string(ChecksumHeaderName(expected.algorithm)));
  }
  return Status::Ok();
}

}  // namespace cairn::sigv4
