// Tests of codec/jerasure: every loss pattern up to m rebuilds the exact bytes, too few blocks
// are refused, blocks of any size and alignment work (Jerasure itself wants word-multiple,
// mutually 16-aligned buffers and aborts the process otherwise), and the parity math is pinned
// (a changed matrix would strand stored objects).
#include "jerasure_codec.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cstdint>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "../codec/codec_test_support.h"
#include "jerasure_coder.h"

namespace cairn::codec {
namespace {

using testing::EncodedStripe;
using testing::ForEachLossPattern;
using testing::Stripe;

// GF(2^8) with gf-complete's default polynomial for w=8, x^8+x^4+x^3+x^2+1 (0x11d): an
// independent reference for the golden test.
uint8_t GfMul(uint8_t a, uint8_t b) {
  uint8_t p = 0;
  while (b != 0) {
    if (b & 1) p ^= a;
    a = static_cast<uint8_t>((a << 1) ^ ((a & 0x80) ? 0x1d : 0));
    b >>= 1;
  }
  return p;
}

struct Shape {
  int k;
  int m;
  size_t block_size;
};

class JerasureReconstructTest : public ::testing::TestWithParam<Shape> {};

TEST_P(JerasureReconstructTest, EveryLossPatternUpToMRebuildsExactBytes) {
  const Shape shape = GetParam();
  auto coder = JerasureCoder::Open(shape.k, shape.m);
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

INSTANTIATE_TEST_SUITE_P(Shapes, JerasureReconstructTest,
                         ::testing::Values(Shape{6, 3, 1}, Shape{6, 3, 64}, Shape{6, 3, 4096 + 13},
                                           Shape{4, 2, 1}, Shape{4, 2, 64}, Shape{4, 2, 4096 + 13},
                                           Shape{10, 4, 1}, Shape{10, 4, 64},
                                           Shape{10, 4, 4096 + 13}, Shape{1, 1, 33},
                                           Shape{1, 5, 17}, Shape{20, 1, 31}, Shape{6, 3, 7},
                                           Shape{6, 3, 9}, Shape{4, 2, 8}),
                         [](const auto& info) {
                           return std::to_string(info.param.k) + "p" +
                                  std::to_string(info.param.m) + "_" +
                                  std::to_string(info.param.block_size);
                         });

// Blocks cut from one buffer at an odd stride are not mutually 16-aligned; gf-complete would
// abort the process on them, so the coder must stage them. The result must equal the aligned
// encoding.
TEST(JerasureCoderTest, MisalignedBlocksMatchAlignedOnes) {
  auto coder = JerasureCoder::Open(6, 3);
  ASSERT_TRUE(coder.ok());
  for (size_t block_size :
       {size_t{1}, size_t{13}, size_t{64}, size_t{4096 + 13}, size_t{300 * 1024 + 5}}) {
    const Stripe aligned = EncodedStripe(**coder, block_size, 11);
    // One buffer, blocks at offsets 3 + i * block_size: none 16-aligned, and (but for size 64)
    // not aligned to each other either.
    std::vector<uint8_t> packed(3 + 9 * block_size);
    std::vector<uint8_t*> ptrs(9);
    for (int i = 0; i < 9; ++i) ptrs[i] = packed.data() + 3 + i * block_size;
    for (int i = 0; i < 6; ++i) {
      std::copy(aligned.blocks[i].begin(), aligned.blocks[i].end(), ptrs[i]);
    }
    std::vector<const uint8_t*> data(ptrs.begin(), ptrs.begin() + 6);
    ASSERT_TRUE((*coder)->Encode(data.data(), ptrs.data() + 6, block_size).ok());
    for (int i = 6; i < 9; ++i) {
      ASSERT_TRUE(std::equal(aligned.blocks[i].begin(), aligned.blocks[i].end(), ptrs[i]))
          << "parity " << i << " size " << block_size;
    }
    std::vector<uint8_t> present = {0, 1, 1, 0, 1, 1, 1, 0, 1};
    for (int i = 0; i < 9; ++i) {
      if (!present[i]) std::fill(ptrs[i], ptrs[i] + block_size, 0x5A);
    }
    ASSERT_TRUE((*coder)->Reconstruct(ptrs.data(), present.data(), block_size).ok());
    for (int i = 0; i < 9; ++i) {
      ASSERT_TRUE(std::equal(aligned.blocks[i].begin(), aligned.blocks[i].end(), ptrs[i]))
          << "block " << i << " size " << block_size;
    }
  }
}

TEST(JerasureCoderTest, FewerThanKPresentIsInvalidArgument) {
  auto coder = JerasureCoder::Open(6, 3);
  ASSERT_TRUE(coder.ok());
  Stripe s = EncodedStripe(**coder, 64, 7);
  std::vector<uint8_t> present(9, 1);
  present[0] = present[4] = present[7] = present[8] = 0;  // 5 of 9 left
  auto ptrs = s.Pointers();
  Status st = (*coder)->Reconstruct(ptrs.data(), present.data(), 64);
  EXPECT_EQ(st.code(), CAIRN_INVALID_ARGUMENT) << st.ToString();
}

TEST(JerasureCoderTest, ParametersOutOfRangeAreRefused) {
  EXPECT_EQ(JerasureCoder::Open(0, 2).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(JerasureCoder::Open(4, 0).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(JerasureCoder::Open(-1, 3).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(JerasureCoder::Open(200, 56).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_TRUE(JerasureCoder::Open(200, 55).ok());
  EXPECT_TRUE(JerasureCoder::Open(254, 1).ok());
  EXPECT_TRUE(JerasureCoder::Open(1, 254).ok());
}

// The widest shape still rebuilds m lost data blocks (spot check of the MDS claim at k+m=255).
TEST(JerasureCoderTest, WidestStripeRebuildsLostDataAndParity) {
  auto coder = JerasureCoder::Open(200, 55);
  ASSERT_TRUE(coder.ok());
  const Stripe original = EncodedStripe(**coder, 40, 3);
  Stripe damaged = original;
  std::vector<uint8_t> present(255, 1);
  for (int i = 0; i < 55; ++i) {
    const int lost = (i * 7) % 255;  // 55 distinct ids spread over data and parity
    present[lost] = 0;
    std::fill(damaged.blocks[lost].begin(), damaged.blocks[lost].end(), 0);
  }
  auto ptrs = damaged.Pointers();
  ASSERT_TRUE((*coder)->Reconstruct(ptrs.data(), present.data(), 40).ok());
  EXPECT_EQ(damaged.blocks, original.blocks);
}

TEST(JerasureCoderTest, NothingMissingIsANoOp) {
  auto coder = JerasureCoder::Open(4, 2);
  ASSERT_TRUE(coder.ok());
  Stripe s = EncodedStripe(**coder, 100, 9);
  Stripe copy = s;
  std::vector<uint8_t> present(6, 1);
  auto ptrs = s.Pointers();
  ASSERT_TRUE((*coder)->Reconstruct(ptrs.data(), present.data(), 100).ok());
  EXPECT_EQ(s.blocks, copy.blocks);
}

TEST(JerasureCoderTest, ZeroBlockSizeIsANoOp) {
  auto coder = JerasureCoder::Open(4, 2);
  ASSERT_TRUE(coder.ok());
  std::vector<uint8_t> present = {0, 1, 1, 1, 1, 0};
  std::vector<uint8_t*> ptrs(6, nullptr);
  std::vector<const uint8_t*> data(4, nullptr);
  EXPECT_TRUE((*coder)->Encode(data.data(), ptrs.data(), 0).ok());
  EXPECT_TRUE((*coder)->Reconstruct(ptrs.data(), present.data(), 0).ok());
}

// The matrices and the parity of a fixed input when the stable name "jerasure-rs-vand/1" was
// fixed, cross-checked against plain GF(2^8) arithmetic (polynomial 0x11d). If this fails,
// objects already stored would no longer decode: keep the old matrix, or add a new stable name.
TEST(JerasureCoderTest, GoldenParityForJerasureRsVand1) {
  auto coder = JerasureCoder::Open(4, 2);
  ASSERT_TRUE(coder.ok());
  const std::vector<int> kMatrix = {1, 1, 1, 1, 1, 70, 143, 200};
  ASSERT_EQ((*coder)->parity_matrix(), kMatrix);
  auto coder63 = JerasureCoder::Open(6, 3);
  ASSERT_TRUE(coder63.ok());
  EXPECT_EQ((*coder63)->parity_matrix(), (std::vector<int>{1, 1, 1, 1, 1, 1, 1, 225, 151, 172, 82,
                                                           200, 1, 123, 245, 143, 244, 142}));

  // 16 bytes per block from a fixed LCG: two Jerasure words, no structure to hide a wrong row.
  constexpr size_t kBlock = 16;
  std::vector<std::vector<uint8_t>> data(4, std::vector<uint8_t>(kBlock));
  uint32_t x = 1;
  for (auto& block : data) {
    for (auto& byte : block) {
      x = x * 1103515245u + 12345u;
      byte = static_cast<uint8_t>(x >> 16);
    }
  }
  std::vector<std::vector<uint8_t>> parity(2, std::vector<uint8_t>(kBlock));
  const uint8_t* d[] = {data[0].data(), data[1].data(), data[2].data(), data[3].data()};
  uint8_t* p[] = {parity[0].data(), parity[1].data()};
  ASSERT_TRUE((*coder)->Encode(d, p, kBlock).ok());
  EXPECT_EQ(parity[0], (std::vector<uint8_t>{0xf7, 0x95, 0xda, 0x56, 0x03, 0xef, 0x56, 0x12, 0x81,
                                             0x9b, 0xb6, 0x30, 0x6e, 0x25, 0x87, 0xb3}));
  EXPECT_EQ(parity[1], (std::vector<uint8_t>{0x10, 0xd7, 0xfd, 0x36, 0xa4, 0xbf, 0xc7, 0x0e, 0xa5,
                                             0x59, 0x69, 0x5b, 0x7c, 0x1f, 0x63, 0xd9}));

  for (size_t r = 0; r < 2; ++r) {
    for (size_t j = 0; j < kBlock; ++j) {
      uint8_t acc = 0;
      for (size_t c = 0; c < 4; ++c) {
        acc ^= GfMul(static_cast<uint8_t>(kMatrix[r * 4 + c]), data[c][j]);
      }
      EXPECT_EQ(parity[r][j], acc) << "row " << r << " byte " << j;
    }
  }
}

TEST(JerasureCoderTest, EncodeIsDeterministic) {
  auto a = JerasureCoder::Open(6, 3);
  auto b = JerasureCoder::Open(6, 3);
  ASSERT_TRUE(a.ok() && b.ok());
  EXPECT_EQ(EncodedStripe(**a, 4096 + 13, 5).blocks, EncodedStripe(**b, 4096 + 13, 5).blocks);
}

// One coder shared by threads that open, encode and rebuild at once (the data path's use).
TEST(JerasureCoderTest, ConcurrentUseOfOneCoder) {
  auto coder = JerasureCoder::Open(6, 3);
  ASSERT_TRUE(coder.ok());
  const Stripe original = EncodedStripe(**coder, 8192 + 3, 21);
  std::vector<std::thread> threads;
  std::vector<int> failures(4, 0);
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      auto own = JerasureCoder::Open(4 + t, 2);
      if (!own.ok()) ++failures[t];
      for (int round = 0; round < 50; ++round) {
        Stripe damaged = original;
        std::vector<uint8_t> present(9, 1);
        present[(t + round) % 9] = 0;
        present[(t + round + 4) % 9] = 0;
        auto ptrs = damaged.Pointers();
        if (!(*coder)->Reconstruct(ptrs.data(), present.data(), 8192 + 3).ok() ||
            damaged.blocks != original.blocks) {
          ++failures[t];
        }
      }
    });
  }
  for (auto& th : threads) th.join();
  EXPECT_EQ(failures, std::vector<int>(4, 0));
}

TEST(JerasureCodecTest, StableNameAndOpen) {
  JerasureCodec codec;
  EXPECT_EQ(codec.StableName(), "jerasure-rs-vand/1");
  auto coder = codec.Open(6, 3);
  ASSERT_TRUE(coder.ok());
  EXPECT_EQ((*coder)->k(), 6);
  EXPECT_EQ((*coder)->m(), 3);
  EXPECT_EQ(codec.Open(0, 3).status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(codec.Open(250, 6).status().code(), CAIRN_INVALID_ARGUMENT);
}

}  // namespace
}  // namespace cairn::codec
