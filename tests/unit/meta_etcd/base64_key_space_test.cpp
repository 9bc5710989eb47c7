// meta/etcd: the pure pieces, base64 and the key space (prefix and range ends).
#include <gtest/gtest.h>

#include "base64.h"
#include "key_space.h"

namespace cairn::meta::etcd {
namespace {

using std::string_literals::operator""s;

TEST(Base64Test, KnownVectors) {
  // RFC 4648 section 10.
  const std::pair<std::string, std::string> vectors[] = {{"", ""},
                                                         {"f", "Zg=="},
                                                         {"fo", "Zm8="},
                                                         {"foo", "Zm9v"},
                                                         {"foob", "Zm9vYg=="},
                                                         {"fooba", "Zm9vYmE="},
                                                         {"foobar", "Zm9vYmFy"}};
  for (const auto& [plain, encoded] : vectors) {
    EXPECT_EQ(Base64Encode(plain), encoded);
    std::string decoded;
    ASSERT_TRUE(Base64Decode(encoded, &decoded)) << encoded;
    EXPECT_EQ(decoded, plain);
  }
}

TEST(Base64Test, EveryByteRoundTrips) {
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  for (size_t len = 0; len <= all.size(); len += 37) {
    std::string decoded;
    ASSERT_TRUE(Base64Decode(Base64Encode(all.substr(0, len)), &decoded));
    EXPECT_EQ(decoded, all.substr(0, len));
  }
  EXPECT_EQ(Base64Encode("\x00\xff"s), "AP8=");
}

TEST(Base64Test, RejectsMalformedText) {
  std::string out;
  for (const char* bad : {"Zg=", "Z===", "Zg==Zg==", "Z!==", "Zm9v\n", "=Zm9"}) {
    EXPECT_FALSE(Base64Decode(bad, &out)) << bad;
  }
}

TEST(KeySpaceTest, Successor) {
  EXPECT_EQ(KeySpace::Successor("ab"), "ac");
  EXPECT_EQ(KeySpace::Successor("a\xff"s), "b");
  EXPECT_EQ(KeySpace::Successor("a\xff\xff"s), "b");
  EXPECT_EQ(KeySpace::Successor("\x7f"s), "\x80"s);
  EXPECT_EQ(KeySpace::Successor("\xff\xff"s), std::nullopt);
  EXPECT_EQ(KeySpace::Successor(""), std::nullopt);
}

TEST(KeySpaceTest, RangesStayInsideThePrefix) {
  KeySpace space("cairn/");
  EXPECT_EQ(space.ToEtcd("k"), "cairn/k");
  EXPECT_EQ(space.RangeStart(""), "cairn/");
  EXPECT_EQ(space.RangeEnd(""), "cairn0") << "'/' + 1 is '0'";
  EXPECT_EQ(space.RangeEnd("b"), "cairn/b");
  EXPECT_EQ(space.FromEtcd("cairn/\x00k"s), "\x00k"s);
  EXPECT_EQ(space.FromEtcd("cairn0"), std::nullopt);
  EXPECT_EQ(space.FromEtcd("cairn"), std::nullopt);
}

TEST(KeySpaceTest, EmptyAndAllFfPrefixesScanToTheEnd) {
  KeySpace empty("");
  EXPECT_EQ(empty.RangeStart(""), "\x00"s) << "etcd refuses an empty key";
  EXPECT_EQ(empty.RangeEnd(""), "\x00"s) << "etcd: range_end \\0 means every key >= start";
  EXPECT_EQ(KeySpace("\xff"s).RangeEnd(""), "\x00"s);
}

}  // namespace
}  // namespace cairn::meta::etcd
