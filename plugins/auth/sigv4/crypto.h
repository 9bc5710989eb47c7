// The cryptographic primitives SigV4 and SigV2 need, over OpenSSL: streaming SHA-1/SHA-256,
// HMAC-SHA256 and HMAC-SHA1, hex and base64, and a constant-time comparison.
// Thread-compatible: one Digest per thread.
//
// Allocation failure inside OpenSSL is reported as std::bad_alloc, like any other allocation
// failure in the plugin; the SDK glue turns it into a Status at the boundary.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

namespace cairn::sigv4 {

// A streaming message digest.
class Digest {
 public:
  enum class Kind { kSha1, kSha256 };
  explicit Digest(Kind kind);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  Digest(Digest&&) noexcept;
  Digest& operator=(Digest&&) noexcept;

  void Update(const void* data, size_t size);
  void Update(std::string_view data) { Update(data.data(), data.size()); }
  // Returns the raw digest and resets the digest for reuse.
  std::string Finish();

 private:
  struct Ctx;
  Kind kind_;
  std::unique_ptr<Ctx> ctx_;
};

// Raw 32-byte SHA-256 of data.
std::string Sha256(std::string_view data);
// Lowercase hex SHA-256 of data.
std::string Sha256Hex(std::string_view data);
// Raw 32-byte HMAC-SHA256.
std::string HmacSha256(std::string_view key, std::string_view data);
// Raw 20-byte HMAC-SHA1 (Signature Version 2).
std::string HmacSha1(std::string_view key, std::string_view data);

std::string HexEncode(std::string_view raw);
std::string Base64Encode(std::string_view raw);
// nullopt when `text` is not canonical padded base64.
std::optional<std::string> Base64Decode(std::string_view text);

// Compares without an early exit, so that timing does not reveal how much of a guess was right.
bool ConstantTimeEquals(std::string_view a, std::string_view b);
// Overwrites key material before the memory is released.
void SecureWipe(std::string* s);

// The SHA-256 of the empty string, in hex: the payload hash of a request without a body.
inline constexpr std::string_view kEmptySha256Hex =
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";

}  // namespace cairn::sigv4
