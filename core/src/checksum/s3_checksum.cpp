#include "checksum/s3_checksum.h"

#include <isa-l/crc.h>
#include <openssl/evp.h>

#include <algorithm>
#include <cctype>

#include "checksum/crc64nvme.h"
#include "checksum/crc_combine.h"

namespace cairn::checksum {
namespace {

constexpr uint32_t kCrc32Poly = 0xedb88320u;
constexpr uint32_t kCrc32cPoly = 0x82f63b78u;
// crc32_iscsi takes an int length; larger feeds go through in pieces.
constexpr size_t kMaxCrcPiece = size_t{1} << 30;

std::string BigEndian(uint64_t v, size_t bytes) {
  std::string out(bytes, '\0');
  for (size_t i = 0; i < bytes; ++i) out[bytes - 1 - i] = static_cast<char>(v >> (8 * i));
  return out;
}

uint64_t FromBigEndian(std::string_view raw) {
  uint64_t v = 0;
  for (unsigned char c : raw) v = (v << 8) | c;
  return v;
}

}  // namespace

struct Hasher::Evp {
  EVP_MD_CTX* ctx = EVP_MD_CTX_new();
  ~Evp() { EVP_MD_CTX_free(ctx); }
};

std::string_view Name(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kCrc32:
      return "crc32";
    case Algorithm::kCrc32c:
      return "crc32c";
    case Algorithm::kCrc64Nvme:
      return "crc64nvme";
    case Algorithm::kSha1:
      return "sha1";
    case Algorithm::kSha256:
      return "sha256";
  }
  return "";
}

std::optional<Algorithm> FromName(std::string_view name) {
  std::string lower(name);
  std::transform(lower.begin(), lower.end(), lower.begin(),
                 [](unsigned char c) { return std::tolower(c); });
  for (Algorithm a : kAllAlgorithms) {
    if (lower == Name(a)) return a;
  }
  return std::nullopt;
}

std::string_view XmlElement(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kCrc32:
      return "ChecksumCRC32";
    case Algorithm::kCrc32c:
      return "ChecksumCRC32C";
    case Algorithm::kCrc64Nvme:
      return "ChecksumCRC64NVME";
    case Algorithm::kSha1:
      return "ChecksumSHA1";
    case Algorithm::kSha256:
      return "ChecksumSHA256";
  }
  return "";
}

size_t Size(Algorithm algorithm) {
  switch (algorithm) {
    case Algorithm::kCrc64Nvme:
      return 8;
    case Algorithm::kSha1:
      return 20;
    case Algorithm::kSha256:
      return 32;
    default:
      return 4;
  }
}

bool SupportsFullObject(Algorithm algorithm) {
  return algorithm == Algorithm::kCrc32 || algorithm == Algorithm::kCrc32c ||
         algorithm == Algorithm::kCrc64Nvme;
}

bool SupportsComposite(Algorithm algorithm) { return algorithm != Algorithm::kCrc64Nvme; }

Hasher::Hasher(Algorithm algorithm) : algorithm_(algorithm) {
  if (algorithm == Algorithm::kSha1 || algorithm == Algorithm::kSha256) {
    evp_ = std::make_unique<Evp>();
    EVP_DigestInit_ex(evp_->ctx, algorithm == Algorithm::kSha1 ? EVP_sha1() : EVP_sha256(),
                      nullptr);
  }
  // ISA-L's conventions differ per function: crc32_gzip_refl takes and returns the finished
  // CRC (start at 0), crc32_iscsi works on the raw register (start at ~0, invert at the end).
  if (algorithm == Algorithm::kCrc32c) crc_ = 0xFFFFFFFFu;
}

Hasher::~Hasher() = default;
Hasher::Hasher(Hasher&&) noexcept = default;
Hasher& Hasher::operator=(Hasher&&) noexcept = default;

void Hasher::Update(const uint8_t* data, size_t size) {
  if (evp_) {
    EVP_DigestUpdate(evp_->ctx, data, size);
    return;
  }
  if (algorithm_ == Algorithm::kCrc64Nvme) {
    crc_ = Crc64Nvme(crc_, data, size);
    return;
  }
  while (size > 0) {
    size_t n = std::min(size, kMaxCrcPiece);
    if (algorithm_ == Algorithm::kCrc32) {
      crc_ = crc32_gzip_refl(static_cast<uint32_t>(crc_), data, n);
    } else {
      crc_ = crc32_iscsi(const_cast<uint8_t*>(data), static_cast<int>(n),
                         static_cast<uint32_t>(crc_));
    }
    data += n;
    size -= n;
  }
}

std::string Hasher::Finish() {
  if (evp_) {
    unsigned char out[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    EVP_DigestFinal_ex(evp_->ctx, out, &n);
    return std::string(reinterpret_cast<char*>(out), n);
  }
  switch (algorithm_) {
    case Algorithm::kCrc32c:
      return BigEndian(~static_cast<uint32_t>(crc_), 4);
    case Algorithm::kCrc64Nvme:
      return BigEndian(crc_, 8);
    default:
      return BigEndian(crc_, 4);
  }
}

std::string Of(Algorithm algorithm, std::string_view data) {
  Hasher h(algorithm);
  h.Update(data);
  return h.Finish();
}

std::optional<std::string> CombineCrc(Algorithm algorithm, std::string_view crc_a,
                                      std::string_view crc_b, uint64_t length_b) {
  if (!SupportsFullObject(algorithm) || crc_a.size() != Size(algorithm) ||
      crc_b.size() != Size(algorithm)) {
    return std::nullopt;
  }
  uint64_t a = FromBigEndian(crc_a), b = FromBigEndian(crc_b);
  switch (algorithm) {
    case Algorithm::kCrc32:
      return BigEndian(Crc32Combine(a, b, length_b, kCrc32Poly), 4);
    case Algorithm::kCrc32c:
      return BigEndian(Crc32Combine(a, b, length_b, kCrc32cPoly), 4);
    default:
      return BigEndian(Crc64Combine(a, b, length_b, kCrc64NvmeReflectedPoly), 8);
  }
}

}  // namespace cairn::checksum
