// Streaming message digests (MD5 for ETags and Content-MD5, SHA-256 for shard checksums).
// Not thread-safe; one per stream.
#pragma once

#include <openssl/evp.h>

#include <cstdint>
#include <string>
#include <string_view>

namespace cairn {

class Digest {
 public:
  static Digest Md5() { return Digest(EVP_md5()); }
  static Digest Sha256() { return Digest(EVP_sha256()); }
  Digest(Digest&& other) noexcept : ctx_(other.ctx_) { other.ctx_ = nullptr; }
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  ~Digest() { EVP_MD_CTX_free(ctx_); }

  void Update(const void* data, size_t size) { EVP_DigestUpdate(ctx_, data, size); }
  void Update(std::string_view s) { Update(s.data(), s.size()); }
  // Raw digest bytes. REQUIRES: called once.
  std::string Finish() {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(ctx_, out, &n);
    return std::string(reinterpret_cast<char*>(out), n);
  }

  static std::string Sha256Of(const void* data, size_t size) {
    Digest d = Sha256();
    d.Update(data, size);
    return d.Finish();
  }
  static std::string Md5Of(std::string_view s) {
    Digest d = Md5();
    d.Update(s);
    return d.Finish();
  }

 private:
  explicit Digest(const EVP_MD* md) : ctx_(EVP_MD_CTX_new()) { EVP_DigestInit_ex(ctx_, md, nullptr); }
  EVP_MD_CTX* ctx_;
};

}  // namespace cairn
