#include "plugin/codec_proxy.h"

namespace cairn {
namespace {

class CoderProxy : public ErasureCoder {
 public:
  CoderProxy(const cairn_codec_vtable& vt, void* coder, int k, int m)
      : vt_(vt), coder_(coder), k_(k), m_(m) {}
  ~CoderProxy() override { vt_.close(coder_); }
  int k() const override { return k_; }
  int m() const override { return m_; }
  Status Encode(const uint8_t* const* data, uint8_t* const* parity,
                size_t block_size) const override {
    cairn_error err{};
    return Status::FromError(vt_.encode(coder_, data, parity, block_size, &err), err);
  }
  Status Reconstruct(uint8_t* const* blocks, const uint8_t* present,
                     size_t block_size) const override {
    cairn_error err{};
    return Status::FromError(vt_.reconstruct(coder_, blocks, present, block_size, &err), err);
  }

 private:
  const cairn_codec_vtable& vt_;
  void* coder_;
  int k_, m_;
};

}  // namespace

Result<std::unique_ptr<ErasureCoder>> CodecProxy::Open(int k, int m) {
  cairn_error err{};
  void* coder = vt_.open(instance_->get(), k, m, &err);
  if (coder == nullptr) return Status::FromError(err.code ? err.code : CAIRN_INTERNAL, err);
  return std::unique_ptr<ErasureCoder>(new CoderProxy(vt_, coder, k, m));
}

}  // namespace cairn
