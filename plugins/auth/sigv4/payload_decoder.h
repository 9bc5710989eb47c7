// The body decoder for a payload sent as is (not aws-chunked): it hashes the bytes as they stream
// and, at the end, compares the SHA-256 the client signed (x-amz-content-sha256) and the
// additional checksum it announced (x-amz-checksum-*). Bytes pass through unchanged; only after
// Finish() returns OK may the host make them visible. Used by one thread at a time.
#pragma once

#include <optional>
#include <string>

#include "cairn/authenticator.h"
#include "checksum.h"
#include "crypto.h"

namespace cairn::sigv4 {

class PlainBodyDecoder : public BodyDecoder {
 public:
  // REQUIRES: at least one of the two is set (otherwise there is nothing to verify).
  PlainBodyDecoder(std::optional<std::string> expected_sha256_hex,
                   std::optional<ExpectedChecksum> expected_checksum);

  Status Feed(const uint8_t* raw, size_t size, std::string* out) override;
  Status Finish() override;
  bool VerifiedChecksum(std::string* algorithm, std::string* base64) const override;

 private:
  std::optional<std::string> expected_sha256_hex_;
  std::optional<Digest> sha256_;
  std::optional<ExpectedChecksum> expected_checksum_;
  std::optional<Checksum> checksum_;
};

}  // namespace cairn::sigv4
