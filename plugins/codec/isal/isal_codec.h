// IsalCodec: the codec plugin on ISA-L. Open(k, m) hands out IsalCoder instances.
//
// Stable name "isal-rs/1": systematic Reed-Solomon over GF(2^8) (polynomial 0x11d) whose parity
// rows are the Cauchy matrix of ISA-L's gf_gen_cauchy1_matrix (entry 1 / (i xor j), i the parity
// row index counted from k, j the data column). Every stored object's parity depends on that
// matrix; any other matrix (e.g. gf_gen_rs_matrix) must get a new stable name, and this one must
// keep decoding what it wrote.
//
// Thread-safety: stateless; Open may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "cairn/codec.h"
#include "cairn/sdk/plugin_context.h"

namespace cairn::codec {

inline constexpr char kIsalStableName[] = "isal-rs/1";

class IsalCodec final : public Codec {
 public:
  // The plugin takes no configuration.
  static Result<std::unique_ptr<IsalCodec>> Create(const sdk::PluginContext& context);

  std::string StableName() const override { return kIsalStableName; }
  Result<std::unique_ptr<ErasureCoder>> Open(int k, int m) override;
};

}  // namespace cairn::codec
