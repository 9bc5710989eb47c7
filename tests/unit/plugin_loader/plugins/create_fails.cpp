// A well-formed plugin whose Create always fails with a message, as a plugin does when its
// backing service is unreachable. HostServices::Create must report it with the message.
#include "cairn/sdk/codec_plugin.h"
#include "stub_codec.h"

namespace {

class Broken : public cairn::testing::StubCodec {
 public:
  static cairn::Result<std::unique_ptr<Broken>> Create(const cairn::sdk::PluginContext&) {
    return cairn::Status::Unavailable("license server unreachable at 192.0.2.1:27000");
  }
};

}  // namespace

CAIRN_CODEC_PLUGIN(Broken, "broken", "1.0.0", nullptr, 0)
