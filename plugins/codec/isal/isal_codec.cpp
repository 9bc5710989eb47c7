#include "isal_codec.h"

#include "isal_coder.h"

namespace cairn::codec {

Result<std::unique_ptr<IsalCodec>> IsalCodec::Create(const sdk::PluginContext& /*context*/) {
  return std::make_unique<IsalCodec>();
}

Result<std::unique_ptr<ErasureCoder>> IsalCodec::Open(int k, int m) {
  auto coder = IsalCoder::Open(k, m);
  if (!coder.ok()) return coder.status();
  return std::unique_ptr<ErasureCoder>(std::move(coder.value()));
}

}  // namespace cairn::codec
