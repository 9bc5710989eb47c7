// A minimal, well-formed codec plugin built through the SDK: one XOR parity block (m = 1).
// It exists so the loader tests have a plugin that must load, be found and be created.
#include <cstring>
#include <memory>

#include "cairn/sdk/codec_plugin.h"

namespace {

class XorCoder : public cairn::ErasureCoder {
 public:
  explicit XorCoder(int k) : k_(k) {}
  int k() const override { return k_; }
  int m() const override { return 1; }
  cairn::Status Encode(const uint8_t* const* data, uint8_t* const* parity,
                       size_t block_size) const override {
    std::memset(parity[0], 0, block_size);
    for (int i = 0; i < k_; ++i) {
      for (size_t b = 0; b < block_size; ++b) parity[0][b] ^= data[i][b];
    }
    return cairn::Status::Ok();
  }
  cairn::Status Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                            size_t block_size) const override {
    int missing = -1;
    for (int i = 0; i <= k_; ++i) {
      if (present[i]) continue;
      if (missing >= 0) return cairn::Status::InvalidArgument("more than one block missing");
      missing = i;
    }
    if (missing < 0) return cairn::Status::Ok();
    std::memset(blocks[missing], 0, block_size);
    for (int i = 0; i <= k_; ++i) {
      if (i == missing) continue;
      for (size_t b = 0; b < block_size; ++b) blocks[missing][b] ^= blocks[i][b];
    }
    return cairn::Status::Ok();
  }

 private:
  int k_;
};

class GoodCodec : public cairn::Codec {
 public:
  static cairn::Result<std::unique_ptr<GoodCodec>> Create(const cairn::sdk::PluginContext&) {
    return std::make_unique<GoodCodec>();
  }
  std::string StableName() const override { return "good-xor/1"; }
  cairn::Result<std::unique_ptr<cairn::ErasureCoder>> Open(int k, int m) override {
    if (k < 1 || m != 1) return cairn::Status::InvalidArgument("good-xor supports only m = 1");
    return std::unique_ptr<cairn::ErasureCoder>(std::make_unique<XorCoder>(k));
  }
};

}  // namespace

CAIRN_CODEC_PLUGIN(GoodCodec, "good", "1.0.0", nullptr, 0)
