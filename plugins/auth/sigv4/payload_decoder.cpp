#include "payload_decoder.h"

#include "s3_errors.h"

namespace cairn::sigv4 {

PlainBodyDecoder::PlainBodyDecoder(std::optional<std::string> expected_sha256_hex,
                                   std::optional<ExpectedChecksum> expected_checksum)
    : expected_sha256_hex_(std::move(expected_sha256_hex)),
      expected_checksum_(std::move(expected_checksum)) {
  if (expected_sha256_hex_) sha256_.emplace(Digest::Kind::kSha256);
  if (expected_checksum_) checksum_.emplace(expected_checksum_->algorithm);
}

Status PlainBodyDecoder::Feed(const uint8_t* raw, size_t size, std::string* out) {
  if (sha256_) sha256_->Update(raw, size);
  if (checksum_) checksum_->Update(raw, size);
  out->append(reinterpret_cast<const char*>(raw), size);
  return Status::Ok();
}

Status PlainBodyDecoder::Finish() {
  if (sha256_ && !ConstantTimeEquals(HexEncode(sha256_->Finish()), *expected_sha256_hex_)) {
    return errors::ContentSha256Mismatch();
  }
  if (checksum_) return CompareChecksum(*expected_checksum_, &*checksum_);
  return Status::Ok();
}

bool PlainBodyDecoder::VerifiedChecksum(std::string* algorithm, std::string* base64) const {
  if (!expected_checksum_) return false;
  *algorithm = ChecksumAlgorithmName(expected_checksum_->algorithm);
  *base64 = expected_checksum_->base64;
  return true;
}

}  // namespace cairn::sigv4
