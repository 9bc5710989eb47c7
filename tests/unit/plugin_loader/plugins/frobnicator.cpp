// A complete, well-formed plugin of a category the host does not know ("frobnicator"). The
// loader must refuse it by category, listing the categories it knows.
#include "cairn/sdk/codec_plugin.h"
#include "stub_codec.h"

namespace {

class Frobnicator : public cairn::testing::StubCodec {
 public:
  Frobnicator() : StubCodec("frob/1") {}
  static cairn::Result<std::unique_ptr<Frobnicator>> Create(const cairn::sdk::PluginContext&) {
    return std::make_unique<Frobnicator>();
  }
};

}  // namespace

CAIRN_DEFINE_PLUGIN_ENTRY(Frobnicator, "frob", "frobnicator", "1.0.0", nullptr, 0,
                          ::cairn::sdk::CodecGlue<Frobnicator>::VTable())
