// JerasureCodec: the codec plugin on Jerasure 2 / gf-complete. Open(k, m) hands out
// JerasureCoder instances.
//
// Stable name "jerasure-rs-vand/1": systematic Reed-Solomon over GF(2^8) (gf-complete's default
// polynomial 0x11d) whose parity rows are Jerasure's reed_sol_vandermonde_coding_matrix(k, m, 8):
// the extended Vandermonde matrix turned systematic by column operations, then scaled so that
// the first parity row and the first column are all ones (parity 0 is the XOR of the data).
// Every stored object's parity depends on that matrix; any other matrix (Cauchy, another w) must
// get a new stable name, and this one must keep decoding what it wrote.
//
// Thread-safety: stateless; Open may be called concurrently.
#pragma once

#include <memory>
#include <string>

#include "cairn/codec.h"
#include "cairn/sdk/plugin_context.h"

namespace cairn::codec {

inline constexpr char kJerasureStableName[] = "jerasure-rs-vand/1";

class JerasureCodec final : public Codec {
 public:
  // The plugin takes no configuration.
  static Result<std::unique_ptr<JerasureCodec>> Create(const sdk::PluginContext& context);

  std::string StableName() const override { return kJerasureStableName; }
  Result<std::unique_ptr<ErasureCoder>> Open(int k, int m) override;
};

}  // namespace cairn::codec
