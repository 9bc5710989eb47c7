// What every codec's tests share: an encoded random stripe and the enumeration of loss
// patterns. Header-only; included by tests/unit/codec and tests/unit/codec_jerasure.
#pragma once

#include <cstdint>
#include <random>
#include <vector>

#include "cairn/codec.h"

namespace cairn::codec::testing {

struct Stripe {
  std::vector<std::vector<uint8_t>> blocks;  // k data then m parity
  std::vector<uint8_t*> Pointers() {
    std::vector<uint8_t*> out;
    for (auto& b : blocks) out.push_back(b.data());
    return out;
  }
};

Stripe EncodedStripe(const ErasureCoder& coder, size_t block_size, uint32_t seed) {
  Stripe s;
  std::mt19937 rng(seed);
  s.blocks.resize(coder.k() + coder.m(), std::vector<uint8_t>(block_size));
  for (int i = 0; i < coder.k(); ++i) {
    for (auto& byte : s.blocks[i]) byte = static_cast<uint8_t>(rng());
  }
  std::vector<const uint8_t*> data;
  std::vector<uint8_t*> parity;
  for (int i = 0; i < coder.k(); ++i) data.push_back(s.blocks[i].data());
  for (int i = 0; i < coder.m(); ++i) parity.push_back(s.blocks[coder.k() + i].data());
  EXPECT_TRUE(coder.Encode(data.data(), parity.data(), block_size).ok());
  return s;
}

// Calls fn with every subset of [0, n) of size at most max_size, as a present-flag vector.
template <typename Fn>
void ForEachLossPattern(int n, int max_size, Fn fn) {
  std::vector<int> chosen;
  auto rec = [&](auto& self, int next) -> void {
    if (!chosen.empty()) {
      std::vector<uint8_t> present(n, 1);
      for (int i : chosen) present[i] = 0;
      fn(present);
    }
    if (static_cast<int>(chosen.size()) == max_size) return;
    for (int i = next; i < n; ++i) {
      chosen.push_back(i);
      self(self, i + 1);
      chosen.pop_back();
    }
  };
  rec(rec, 0);
}

}  // namespace cairn::codec::testing
