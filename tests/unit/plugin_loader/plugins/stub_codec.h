// StubCodec: a codec that refuses every Open, for test plugins whose point is elsewhere (their
// category, name, config or creation), so each of them stays a few lines long.
#pragma once

#include <memory>
#include <string>

#include "cairn/codec.h"

namespace cairn::testing {

class StubCodec : public Codec {
 public:
  explicit StubCodec(std::string stable_name) : stable_name_(std::move(stable_name)) {}
  std::string StableName() const override { return stable_name_; }
  Result<std::unique_ptr<ErasureCoder>> Open(int, int) override {
    return Status::InvalidArgument("stub codec: Open is not supported");
  }

 private:
  std::string stable_name_;
};

}  // namespace cairn::testing
