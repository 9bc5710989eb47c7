// Built twice (twin_a.so and twin_b.so, TWIN_VARIANT "a" or "b") into one directory: two files
// declaring the same codec "twin". The loader must refuse the second, naming both files.
#include "cairn/sdk/codec_plugin.h"
#include "stub_codec.h"

#ifndef TWIN_VARIANT
#error "TWIN_VARIANT must be defined"
#endif

namespace {

class Twin : public cairn::testing::StubCodec {
 public:
  Twin() : StubCodec("twin-" TWIN_VARIANT "/1") {}
  static cairn::Result<std::unique_ptr<Twin>> Create(const cairn::sdk::PluginContext&) {
    return std::make_unique<Twin>();
  }
};

}  // namespace

CAIRN_CODEC_PLUGIN(Twin, "twin", "1.0.0-" TWIN_VARIANT, nullptr, 0)
