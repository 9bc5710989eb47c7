// The core's view of a codec plugin: cairn::Codec implemented through cairn_codec_vtable.
#pragma once

#include <memory>

#include "cairn/codec.h"
#include "plugin/host_services.h"

namespace cairn {

class CodecProxy : public Codec {
 public:
  explicit CodecProxy(std::unique_ptr<PluginInstance> instance)
      : instance_(std::move(instance)), vt_(instance_->vtable<cairn_codec_vtable>()) {}
  std::string StableName() const override { return vt_.stable_name(instance_->get()); }
  Result<std::unique_ptr<ErasureCoder>> Open(int k, int m) override;

 private:
  std::unique_ptr<PluginInstance> instance_;
  const cairn_codec_vtable& vt_;
};

}  // namespace cairn
