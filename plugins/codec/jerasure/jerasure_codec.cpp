#include "jerasure_codec.h"

#include "jerasure_coder.h"

namespace cairn::codec {

Result<std::unique_ptr<JerasureCodec>> JerasureCodec::Create(
    const sdk::PluginContext& /*context*/) {
  return std::make_unique<JerasureCodec>();
}

Result<std::unique_ptr<ErasureCoder>> JerasureCodec::Open(int k, int m) {
  auto coder = JerasureCoder::Open(k, m);
  if (!coder.ok()) return coder.status();
  return std::unique_ptr<ErasureCoder>(std::move(coder.value()));
}

}  // namespace cairn::codec
