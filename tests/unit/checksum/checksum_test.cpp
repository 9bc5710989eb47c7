// cairn_checksum: CRC64NVME, CRC combination, the streaming hasher and S3 names.
#include <gtest/gtest.h>

#include <random>
#include <string>

#include "checksum/crc64nvme.h"
#include "checksum/crc_combine.h"
#include "checksum/s3_checksum.h"

namespace cairn::checksum {
namespace {

// Bit at a time, MSB-first with the unreflected polynomial on reflected bytes: shares nothing
// with the table implementation but the definition.
uint64_t ReferenceCrc64Nvme(const std::string& data) {
  auto reflect = [](uint64_t v, int bits) {
    uint64_t r = 0;
    for (int i = 0; i < bits; ++i) r |= ((v >> i) & 1) << (bits - 1 - i);
    return r;
  };
  uint64_t crc = ~uint64_t{0};
  for (unsigned char byte : data) {
    crc ^= reflect(byte, 8) << 56;
    for (int i = 0; i < 8; ++i) {
      crc = (crc >> 63) ? (crc << 1) ^ 0xad93d23594c93659ull : crc << 1;
    }
  }
  return reflect(crc, 64) ^ ~uint64_t{0};
}

uint64_t Crc64(const std::string& s) {
  return Crc64Nvme(0, reinterpret_cast<const uint8_t*>(s.data()), s.size());
}

std::string RandomBytes(size_t n, uint32_t seed) {
  std::mt19937 rng(seed);
  std::string s(n, '\0');
  for (char& c : s) c = static_cast<char>(rng());
  return s;
}

std::string Hex(const std::string& raw) {
  static const char* kDigits = "0123456789abcdef";
  std::string out;
  for (unsigned char c : raw) {
    out.push_back(kDigits[c >> 4]);
    out.push_back(kDigits[c & 15]);
  }
  return out;
}

TEST(Crc64Nvme, CheckValue) {
  EXPECT_EQ(Crc64("123456789"), 0xae8b14860a799888ull);
  EXPECT_EQ(Crc64(""), 0u);
  EXPECT_EQ(ReferenceCrc64Nvme("123456789"), 0xae8b14860a799888ull);
}

TEST(Crc64Nvme, MatchesBitwiseReferenceAtEveryLengthAndAlignment) {
  std::string data = RandomBytes(300, 1);
  for (size_t offset = 0; offset < 9; ++offset) {
    for (size_t len = 0; offset + len <= data.size(); len += 7) {
      std::string s = data.substr(offset, len);
      ASSERT_EQ(Crc64(s), ReferenceCrc64Nvme(s)) << offset << " " << len;
    }
  }
  EXPECT_EQ(Crc64(std::string(32, '\0')), ReferenceCrc64Nvme(std::string(32, '\0')));
}

TEST(Crc64Nvme, ContinuesAcrossPieces) {
  std::string data = RandomBytes(10000, 2);
  uint64_t crc = 0;
  for (size_t i = 0; i < data.size(); i += 333) {
    size_t n = std::min<size_t>(333, data.size() - i);
    crc = Crc64Nvme(crc, reinterpret_cast<const uint8_t*>(data.data() + i), n);
  }
  EXPECT_EQ(crc, Crc64(data));
}

TEST(Hasher, KnownValuesInPieces) {
  // CRC32("123456789") = cbf43926, CRC32C = e3069283.
  EXPECT_EQ(Hex(Of(Algorithm::kCrc32, "123456789")), "cbf43926");
  EXPECT_EQ(Hex(Of(Algorithm::kCrc32c, "123456789")), "e3069283");
  EXPECT_EQ(Hex(Of(Algorithm::kCrc64Nvme, "123456789")), "ae8b14860a799888");
  EXPECT_EQ(Hex(Of(Algorithm::kSha1, "abc")), "a9993e364706816aba3e25717850c26c9cd0d89d");
  EXPECT_EQ(Hex(Of(Algorithm::kSha256, "abc")),
            "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  std::string data = RandomBytes(5000, 3);
  for (Algorithm a : kAllAlgorithms) {
    Hasher h(a);
    for (size_t i = 0; i < data.size(); i += 777) h.Update(std::string_view(data).substr(i, 777));
    std::string raw = h.Finish();
    EXPECT_EQ(raw, Of(a, data)) << Name(a);
    EXPECT_EQ(raw.size(), Size(a)) << Name(a);
  }
}

TEST(CombineCrc, EqualsTheCrcOfTheConcatenation) {
  for (Algorithm a : {Algorithm::kCrc32, Algorithm::kCrc32c, Algorithm::kCrc64Nvme}) {
    for (size_t la : {0, 1, 7, 1000}) {
      for (size_t lb : {0, 1, 8, 4093, 70000}) {
        std::string x = RandomBytes(la, 10 + la), y = RandomBytes(lb, 20 + lb);
        auto combined = CombineCrc(a, Of(a, x), Of(a, y), lb);
        ASSERT_TRUE(combined.has_value());
        EXPECT_EQ(*combined, Of(a, x + y)) << Name(a) << " " << la << " " << lb;
      }
    }
  }
  // Three parts fold left to right, as CompleteMultipartUpload folds parts.
  std::string p1 = RandomBytes(5000, 4), p2 = RandomBytes(3000, 5), p3 = RandomBytes(17, 6);
  auto c = CombineCrc(Algorithm::kCrc64Nvme, Of(Algorithm::kCrc64Nvme, p1),
                      Of(Algorithm::kCrc64Nvme, p2), p2.size());
  c = CombineCrc(Algorithm::kCrc64Nvme, *c, Of(Algorithm::kCrc64Nvme, p3), p3.size());
  EXPECT_EQ(*c, Of(Algorithm::kCrc64Nvme, p1 + p2 + p3));
  EXPECT_FALSE(CombineCrc(Algorithm::kSha256, "a", "b", 1).has_value());
  EXPECT_FALSE(CombineCrc(Algorithm::kCrc32, "abc", "abcd", 1).has_value());
}

TEST(CombineCrc, LargeLengthsMatchZeroExtension) {
  // A part of 5 GiB is combined with x^(8 * 5 GiB): check the squaring against feeding zeros.
  std::string zeros(1 << 20, '\0');
  Hasher h(Algorithm::kCrc32c);
  for (int i = 0; i < 3; ++i) h.Update(zeros);
  std::string tail = Of(Algorithm::kCrc32c, std::string(3 << 20, '\0'));
  EXPECT_EQ(*CombineCrc(Algorithm::kCrc32c, Of(Algorithm::kCrc32c, "x"), tail, 3 << 20),
            Of(Algorithm::kCrc32c, "x" + std::string(3 << 20, '\0')));
  EXPECT_EQ(h.Finish(), tail);
}

TEST(Names, RoundTripAndRules) {
  for (Algorithm a : kAllAlgorithms) EXPECT_EQ(FromName(Name(a)), a);
  EXPECT_EQ(FromName("CRC64NVME"), Algorithm::kCrc64Nvme);
  EXPECT_FALSE(FromName("md5").has_value());
  EXPECT_EQ(XmlElement(Algorithm::kCrc64Nvme), "ChecksumCRC64NVME");
  EXPECT_TRUE(SupportsFullObject(Algorithm::kCrc32c));
  EXPECT_FALSE(SupportsFullObject(Algorithm::kSha1));
  EXPECT_FALSE(SupportsComposite(Algorithm::kCrc64Nvme));
  EXPECT_TRUE(SupportsComposite(Algorithm::kSha256));
}

}  // namespace
}  // namespace cairn::checksum
