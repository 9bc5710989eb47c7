// RecordWriter/RecordReader, the varint layer under every record: sizes at the 7-bit
// boundaries, negative integers, strings with any bytes, and a reader that fails closed (and
// stays failed) on anything short or malformed.
#include "meta/record_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <string>

namespace cairn {
namespace {

std::string VarintOf(uint64_t v) {
  RecordWriter w;
  w.U64(v);
  return w.out();
}

TEST(RecordCodecTest, VarintSizesAtTheBoundaries) {
  EXPECT_EQ(VarintOf(0), std::string(1, '\0'));
  EXPECT_EQ(VarintOf(127), "\x7f");
  EXPECT_EQ(VarintOf(128), "\x80\x01");
  EXPECT_EQ(VarintOf(16383).size(), 2u);
  EXPECT_EQ(VarintOf(16384).size(), 3u);
  EXPECT_EQ(VarintOf(std::numeric_limits<uint64_t>::max()).size(), 10u);
}

TEST(RecordCodecTest, IntegersRoundTrip) {
  // clang-format off
  const uint64_t unsigned_values[] = {0, 1, 127, 128, 255, 300, 16383, 16384, 1ull << 32,
                                      (1ull << 63) - 1, 1ull << 63,
                                      std::numeric_limits<uint64_t>::max()};
  const int64_t signed_values[] = {0, -1, 1, std::numeric_limits<int64_t>::min(),
                                   std::numeric_limits<int64_t>::max(), -1700000000000};
  // clang-format on
  RecordWriter w;
  for (uint64_t v : unsigned_values) w.U64(v);
  for (int64_t v : signed_values) w.I64(v);
  RecordReader r(w.out());
  for (uint64_t v : unsigned_values) EXPECT_EQ(r.U64(), v);
  for (int64_t v : signed_values) EXPECT_EQ(r.I64(), v);
  EXPECT_TRUE(r.ok());
  r.U64();
  EXPECT_FALSE(r.ok());
}

TEST(RecordCodecTest, StringsAndPairsRoundTrip) {
  const std::string binary("\0\xff\x80\n", 4);
  const std::string long_string(100000, 'x');
  RecordWriter w;
  w.Str("");
  w.Str(binary);
  w.Str(long_string);
  w.Pairs({{"a", binary}, {"", ""}, {"\xc3\xa9", "\xe6\x97\xa5"}});
  w.Pairs({});
  RecordReader r(w.out());
  EXPECT_EQ(r.Str(), "");
  EXPECT_EQ(r.Str(), binary);
  EXPECT_EQ(r.Str(), long_string);
  auto pairs = r.Pairs();
  ASSERT_EQ(pairs.size(), 3u);
  EXPECT_EQ(pairs[0].second, binary);
  EXPECT_EQ(pairs[2].first, "\xc3\xa9");
  EXPECT_TRUE(r.Pairs().empty());
  EXPECT_TRUE(r.ok());
}

TEST(RecordCodecTest, ReaderFailsClosed) {
  {
    RecordReader r("");
    EXPECT_EQ(r.U64(), 0u);
    EXPECT_FALSE(r.ok());
  }
  {
    RecordReader r("\x80\x80");  // a varint cut short
    r.U64();
    EXPECT_FALSE(r.ok());
  }
  {
    const std::string endless = std::string(11, '\x80') + "\x01";  // longer than 64 bits
    RecordReader r(endless);
    r.U64();
    EXPECT_FALSE(r.ok());
  }
  {
    RecordReader r("\005abc");  // a string longer than what is left
    EXPECT_EQ(r.Str(), "");
    EXPECT_FALSE(r.ok());
  }
  {
    RecordReader r("\003\001a");  // three pairs promised, half of one present
    r.Pairs();
    EXPECT_FALSE(r.ok());
  }
  {
    // Once failed, the reader stays failed even where the bytes would parse.
    RecordReader r("\005a\001b");
    r.Str();
    EXPECT_FALSE(r.ok());
    r.Str();
    EXPECT_FALSE(r.ok());
  }
}

}  // namespace
}  // namespace cairn
