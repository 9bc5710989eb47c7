// Primitives: ISA-L CRC conventions, digests, base64, timestamps and S3's URI encoding rules.
#include "checksum.h"

#include <gtest/gtest.h>

#include "amz_time.h"
#include "canonical_request.h"
#include "crypto.h"

namespace cairn::sigv4 {
namespace {

std::string Of(ChecksumAlgorithm a, const std::string& data, size_t piece) {
  Checksum c(a);
  for (size_t i = 0; i < data.size(); i += piece) {
    size_t n = std::min(piece, data.size() - i);
    c.Update(reinterpret_cast<const uint8_t*>(data.data() + i), n);
  }
  return c.FinishBase64();
}

TEST(Checksum, KnownValuesInAnyPieces) {
  for (size_t piece : {1, 2, 4, 9}) {
    // CRC32("123456789") = 0xCBF43926, CRC32C("123456789") = 0xE3069283, big-endian base64.
    EXPECT_EQ(Of(ChecksumAlgorithm::kCrc32, "123456789", piece), "y/Q5Jg==");
    EXPECT_EQ(Of(ChecksumAlgorithm::kCrc32c, "123456789", piece), "4waSgw==");
    // CRC64NVME("123456789") = 0xAE8B14860A799888.
    EXPECT_EQ(Of(ChecksumAlgorithm::kCrc64Nvme, "123456789", piece), "rosUhgp5mIg=");
    EXPECT_EQ(Of(ChecksumAlgorithm::kSha1, "123456789", piece), "98O8HYCOBHMq32eZZczDTKeuNEE=");
    EXPECT_EQ(Of(ChecksumAlgorithm::kSha256, "123456789", piece),
              "FeKw08M4keuw8e9gnsQZQgwg4yDOlMZfvIwzEkSOsiU=");
  }
  // The S3 trailer example: CRC32C of 66560 bytes of 'a'.
  EXPECT_EQ(Of(ChecksumAlgorithm::kCrc32c, std::string(66560, 'a'), 65536), "sOO8/Q==");
  EXPECT_EQ(Of(ChecksumAlgorithm::kCrc32, "", 1), "AAAAAA==");
}

TEST(Checksum, HeaderNames) {
  EXPECT_EQ(ChecksumFromHeader("X-Amz-Checksum-CRC32C"), ChecksumAlgorithm::kCrc32c);
  EXPECT_EQ(ChecksumFromHeader("x-amz-checksum-sha1"), ChecksumAlgorithm::kSha1);
  EXPECT_EQ(ChecksumFromHeader("x-amz-checksum-crc64nvme"), ChecksumAlgorithm::kCrc64Nvme);
  EXPECT_FALSE(ChecksumFromHeader("x-amz-checksum-md5").has_value());
  EXPECT_FALSE(ChecksumFromHeader("x-amz-checksum-algorithm").has_value());
}

TEST(Crypto, DigestsHmacAndBase64) {
  EXPECT_EQ(Sha256Hex(""), kEmptySha256Hex);
  // RFC 4231 test case 2.
  EXPECT_EQ(HexEncode(HmacSha256("Jefe", "what do ya want for nothing?")),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843");
  for (std::string s : {"", "f", "fo", "foo", "foob", "fooba", "foobar"}) {
    EXPECT_EQ(Base64Decode(Base64Encode(s)), s);
  }
  EXPECT_EQ(Base64Encode("foobar"), "Zm9vYmFy");
  EXPECT_FALSE(Base64Decode("Zm9").has_value());
  EXPECT_FALSE(Base64Decode("Zm9=v").has_value());
  EXPECT_FALSE(Base64Decode("Zh==").has_value());  // non-canonical trailing bits
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(AmzTime, ParseAndFormat) {
  EXPECT_EQ(ParseAmzDate("20130524T000000Z"), 1369353600);
  EXPECT_EQ(ParseAmzDate("20150830T123600Z"), 1440938160);
  EXPECT_EQ(FormatAmzDate(1440938160), "20150830T123600Z");
  EXPECT_EQ(ParseHttpDate("Fri, 24 May 2013 00:00:00 GMT"), 1369353600);
  EXPECT_FALSE(ParseAmzDate("20130524T000000").has_value());
  EXPECT_FALSE(ParseAmzDate("20131324T000000Z").has_value());
  EXPECT_FALSE(ParseHttpDate("Friday, 24-May-13 00:00:00 GMT").has_value());
}

TEST(CanonicalUri, S3Rules) {
  // No dot-segment or slash normalization: these are distinct S3 keys.
  EXPECT_EQ(CanonicalUri("/bucket/a/../b"), "/bucket/a/../b");
  EXPECT_EQ(CanonicalUri("//example//"), "//example//");
  EXPECT_EQ(CanonicalUri("/./x"), "/./x");
  // Decoded once and re-encoded: no double encoding, uppercase hex.
  EXPECT_EQ(CanonicalUri("/a%20b"), "/a%20b");
  EXPECT_EQ(CanonicalUri("/a b"), "/a%20b");
  EXPECT_EQ(CanonicalUri("/a%2520b"), "/a%2520b");
  EXPECT_EQ(CanonicalUri("/test$file.text"), "/test%24file.text");
  EXPECT_EQ(CanonicalUri("/%e1%88%b4"), "/%E1%88%B4");
  EXPECT_EQ(CanonicalUri("/a+b"), "/a%2Bb");
  EXPECT_EQ(CanonicalUri("/100%"), "/100%25");
  EXPECT_EQ(CanonicalUri(""), "/");
}

TEST(CanonicalQuery, S3Rules) {
  EXPECT_EQ(CanonicalQuery("lifecycle", false), "lifecycle=");
  EXPECT_EQ(CanonicalQuery("b=2&a=1&a=0", false), "a=0&a=1&b=2");
  EXPECT_EQ(CanonicalQuery("prefix=a%2Fb&delimiter=/", false), "delimiter=%2F&prefix=a%2Fb");
  EXPECT_EQ(CanonicalQuery("k=a%20b&j=a+b", false), "j=a%20b&k=a%20b");
  EXPECT_EQ(CanonicalQuery("x=1&X-Amz-Signature=abc", true), "x=1");
  EXPECT_EQ(CanonicalQuery("x=1&X-Amz-Signature=abc", false), "X-Amz-Signature=abc&x=1");
  EXPECT_EQ(CanonicalQuery("&&a=1&", false), "a=1");
}

}  // namespace
}  // namespace cairn::sigv4
