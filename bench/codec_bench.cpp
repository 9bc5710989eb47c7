// codec_bench: erasure-codec throughput, one thread (so the figures are per core).
//
// For each codec (isal, jerasure) and each shape (6+3, 10+4) at block sizes 64 KiB, 256 KiB and
// 1 MiB it measures encode, reconstruct of 1 lost data block and reconstruct of m lost data
// blocks; a memcpy of the same object bytes is the baseline. Throughput is object data per
// second: k * block_size bytes per stripe, whatever the operation, so the numbers of one shape
// compare directly. Names are "<op>/<codec>/<k>+<m>/<block bytes>"; bench/codec runs this and
// turns the JSON into a Markdown table.
#include <benchmark/benchmark.h>

#include <cstdint>
#include <cstring>
#include <memory>
#include <random>
#include <string>
#include <vector>

#include "cairn/codec.h"
#include "isal_coder.h"
#include "jerasure_coder.h"

namespace {

using cairn::ErasureCoder;
using cairn::Result;

struct CodecEntry {
  const char* name;
  Result<std::unique_ptr<ErasureCoder>> (*open)(int k, int m);
};

template <typename Coder>
Result<std::unique_ptr<ErasureCoder>> OpenAs(int k, int m) {
  auto coder = Coder::Open(k, m);
  if (!coder.ok()) return coder.status();
  return std::unique_ptr<ErasureCoder>(std::move(coder.value()));
}

const CodecEntry kCodecs[] = {
    {"isal", &OpenAs<cairn::codec::IsalCoder>},
    {"jerasure", &OpenAs<cairn::codec::JerasureCoder>},
};

struct Shape {
  int k;
  int m;
};
constexpr Shape kShapes[] = {{6, 3}, {10, 4}};
constexpr size_t kBlockSizes[] = {64 * 1024, 256 * 1024, 1024 * 1024};

// A stripe of k random data blocks and m parity blocks, each its own allocation (as the data
// path's buffers are).
struct Stripe {
  Stripe(int k, int m, size_t block_size) : blocks(k + m, std::vector<uint8_t>(block_size)) {
    std::mt19937_64 rng(k * 1000 + m);
    for (int i = 0; i < k; ++i) {
      for (auto& byte : blocks[i]) byte = static_cast<uint8_t>(rng());
    }
  }
  std::vector<std::vector<uint8_t>> blocks;
  std::vector<uint8_t*> Pointers() {
    std::vector<uint8_t*> out;
    for (auto& b : blocks) out.push_back(b.data());
    return out;
  }
};

int64_t ObjectBytes(benchmark::State& state, const Shape& shape, size_t block_size) {
  return static_cast<int64_t>(state.iterations()) * shape.k * static_cast<int64_t>(block_size);
}

void Encode(benchmark::State& state, CodecEntry codec, Shape shape, size_t block_size) {
  auto coder = codec.open(shape.k, shape.m);
  if (!coder.ok()) {
    state.SkipWithError(coder.status().ToString().c_str());
    return;
  }
  Stripe stripe(shape.k, shape.m, block_size);
  auto ptrs = stripe.Pointers();
  std::vector<const uint8_t*> data(ptrs.begin(), ptrs.begin() + shape.k);
  for (auto _ : state) {
    cairn::Status st = (*coder)->Encode(data.data(), ptrs.data() + shape.k, block_size);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(ObjectBytes(state, shape, block_size));
}

// Rebuilds data blocks [0, lost) from the remaining data and the parity.
void Reconstruct(benchmark::State& state, CodecEntry codec, Shape shape, size_t block_size,
                 int lost) {
  auto coder = codec.open(shape.k, shape.m);
  if (!coder.ok()) {
    state.SkipWithError(coder.status().ToString().c_str());
    return;
  }
  Stripe stripe(shape.k, shape.m, block_size);
  auto ptrs = stripe.Pointers();
  std::vector<const uint8_t*> data(ptrs.begin(), ptrs.begin() + shape.k);
  if (!(*coder)->Encode(data.data(), ptrs.data() + shape.k, block_size).ok()) {
    state.SkipWithError("encode failed");
    return;
  }
  std::vector<uint8_t> present(shape.k + shape.m, 1);
  for (int i = 0; i < lost; ++i) present[i] = 0;
  for (auto _ : state) {
    cairn::Status st = (*coder)->Reconstruct(ptrs.data(), present.data(), block_size);
    if (!st.ok()) {
      state.SkipWithError(st.ToString().c_str());
      break;
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(ObjectBytes(state, shape, block_size));
}

// The baseline: copying the stripe's k data blocks once.
void Memcpy(benchmark::State& state, Shape shape, size_t block_size) {
  Stripe from(shape.k, 0, block_size);
  Stripe to(shape.k, 0, block_size);
  for (auto _ : state) {
    for (int i = 0; i < shape.k; ++i) {
      std::memcpy(to.blocks[i].data(), from.blocks[i].data(), block_size);
    }
    benchmark::ClobberMemory();
  }
  state.SetBytesProcessed(ObjectBytes(state, shape, block_size));
}

void RegisterAll() {
  for (const Shape& shape : kShapes) {
    const std::string shape_name = std::to_string(shape.k) + "+" + std::to_string(shape.m);
    for (size_t block_size : kBlockSizes) {
      const std::string suffix = "/" + shape_name + "/" + std::to_string(block_size);
      benchmark::RegisterBenchmark(("memcpy/baseline" + suffix).c_str(), Memcpy, shape, block_size);
      for (const CodecEntry& codec : kCodecs) {
        const std::string mid = std::string("/") + codec.name + suffix;
        benchmark::RegisterBenchmark(("encode" + mid).c_str(), Encode, codec, shape, block_size);
        benchmark::RegisterBenchmark(("decode1" + mid).c_str(), Reconstruct, codec, shape,
                                     block_size, 1);
        benchmark::RegisterBenchmark(("decodem" + mid).c_str(), Reconstruct, codec, shape,
                                     block_size, shape.m);
      }
    }
  }
}

}  // namespace

int main(int argc, char** argv) {
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;
  RegisterAll();
  benchmark::RunSpecifiedBenchmarks();
  benchmark::Shutdown();
  return 0;
}
