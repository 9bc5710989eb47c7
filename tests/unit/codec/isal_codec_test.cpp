// Tests of codec/isal: every loss pattern up to m rebuilds the exact bytes, too few blocks are
// refused, and the parity math is pinned (a changed matrix would strand stored objects).
#include "isal_codec.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <vector>

#include "codec_test_support.h"
#include "isal_coder.h"

namespace cairn::codec {
namespace {

using testing::EncodedStripe;
using testing::ForEachLossPattern;
using testing::Stripe;

struct Shape {
  int k;
  int m;
  size_t block_size;
};

class IsalReconstructTest : public ::testing::TestWithParam<Shape> {};

TEST_P(IsalReconstructTest, EveryLossPatternUpToMRebuildsExactBytes) {
  const Shape shape = GetParam();
  auto coder = IsalCoder::Open(shape.k, shape.m);
  ASSERT_TRUE(coder.ok()) << coder.status().ToString();
  const Stripe original = EncodedStripe(**coder, shape.block_size, 42);
  const int n = shape.k + shape.m;
  int patterns = 0;
  ForEachLossPattern(n, shape.m, [&](const std::vector<uint8_t>& present) {
    Stripe damaged = original;
    for (int i = 0; i < n; ++i) {
      if (!present[i]) std::fill(damaged.blocks[i].begin(), damaged.blocks[i].end(), 0xA5);
    }
    auto ptrs = damaged.Pointers();
    Status st = (*coder)->Reconstruct(ptrs.data(), present.data(), shape.block_size);
    ASSERT_TRUE(st.ok()) << st.ToString();
    for (int i = 0; i < n; ++i) {
      ASSERT_EQ(damaged.blocks[i], original.blocks[i]) << "block " << i << " pattern " << patterns;
    }
    ++patterns;
  });
  EXPECT_GT(patterns, 0);
}

INSTANTIATE_TEST_SUITE_P(Shapes, IsalReconstructTest,
                         ::testing::Values(Shape{6, 3, 1}, Shape{6, 3, 64}, Shape{6, 3, 4096 + 13},
                                           Shape{4, 2, 1}, Shape{4, 2, 64}, Shape{4, 2, 4096 + 13},
                                           Shape{10, 4, 1}, Shape{10, 4, 64},
                                           Shape{10, 4, 4096 + 13}, Shape{1, 1, 33},
                                           Shape{1, 5, 17}, Shape{20, 1, 31}),
                         [](const auto& info) {
                           return std::to_string(info.param.k) + "p" +
                                  std::to_string(info.param.m) + "_" +
                                  std::to_string(info.param.block_size);
                         });

TEST(IsalCoderTest, FewerThanKPresentIsInvalidArgument) {
  auto coder = IsalCoder::Open(6, 3);
  ASSERT_TRUE(coder.ok());
  Stripe s = EncodedStripe(**coder, 64, 7);
  std::vector<uint8_t> present(9, 1);
  present[0] = present[4] = present[7] = present[8] = 0;  // 5 of 9 left
  auto ptrs = s.Pointers();
  Status st = (*coder)->Reconstruct(ptrs.data(), present.data(), 64);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
}

TEST(IsalCoderTest, ParametersOutOfRangeAreRefused) {
  EXPECT_EQ(IsalCoder::Open(0, 2).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(IsalCoder::Open(4, 0).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(IsalCoder::Open(200, 56).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_TRUE(IsalCoder::Open(200, 55).ok());
  EXPECT_TRUE(IsalCoder::Open(254, 1).ok());
}

TEST(IsalCoderTest, NothingMissingIsANoOp) {
  auto coder = IsalCoder::Open(4, 2);
  ASSERT_TRUE(coder.ok());
  Stripe s = EncodedStripe(**coder, 100, 9);
  Stripe copy = s;
  std::vector<uint8_t> present(6, 1);
  auto ptrs = s.Pointers();
  ASSERT_TRUE((*coder)->Reconstruct(ptrs.data(), present.data(), 100).ok());
  EXPECT_EQ(s.blocks, copy.blocks);
}

// The parity of a fixed input, computed independently (GF(2^8) polynomial 0x11d, Cauchy entries
// 1 / (i xor j)) when the stable name "isal-rs/1" was fixed. If this fails, objects already
// stored would no longer decode: keep the old matrix, or add a new stable name.
TEST(IsalCoderTest, GoldenParityForIsalRs1) {
  auto coder = IsalCoder::Open(4, 2);
  ASSERT_TRUE(coder.ok());
  constexpr size_t kBlock = 8;
  std::vector<std::vector<uint8_t>> data(4, std::vector<uint8_t>(kBlock));
  for (size_t i = 0; i < 4; ++i) {
    for (size_t j = 0; j < kBlock; ++j) data[i][j] = static_cast<uint8_t>(i * kBlock + j + 1);
  }
  std::vector<std::vector<uint8_t>> parity(2, std::vector<uint8_t>(kBlock));
  const uint8_t* d[] = {data[0].data(), data[1].data(), data[2].data(), data[3].data()};
  uint8_t* p[] = {parity[0].data(), parity[1].data()};
  ASSERT_TRUE((*coder)->Encode(d, p, kBlock).ok());
  EXPECT_EQ(parity[0], (std::vector<uint8_t>{0x54, 0x34, 0x14, 0xf4, 0xd4, 0xb4, 0x94, 0x7a}));
  EXPECT_EQ(parity[1], (std::vector<uint8_t>{0x49, 0x29, 0x09, 0xe9, 0xc9, 0xa9, 0x89, 0x78}));
}

TEST(IsalCoderTest, EncodeIsDeterministic) {
  auto a = IsalCoder::Open(6, 3);
  auto b = IsalCoder::Open(6, 3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(EncodedStripe(**a, 4096 + 13, 5).blocks, EncodedStripe(**b, 4096 + 13, 5).blocks);
}

TEST(IsalCodecTest, StableNameAndOpen) {
  IsalCodec codec;
  EXPECT_EQ(codec.StableName(), "isal-rs/1");
  auto coder = codec.Open(6, 3);
  ASSERT_TRUE(coder.ok());
  EXPECT_EQ((*coder)->k(), 6);
  EXPECT_EQ((*coder)->m(), 3);
  EXPECT_EQ(codec.Open(0, 3).status().code(), CAIRN_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace cairn::codec
