#include "plugin/authenticator_proxy.h"

#include <cstddef>

namespace cairn {
namespace {

int AppendSink(void* ctx, const uint8_t* data, size_t size) {
  static_cast<std::string*>(ctx)->append(reinterpret_cast<const char*>(data), size);
  return 0;
}

class BodyDecoderProxy : public BodyDecoder {
 public:
  BodyDecoderProxy(const cairn_auth_vtable& vt, void* decoder) : vt_(vt), decoder_(decoder) {}
  ~BodyDecoderProxy() override { vt_.body_free(decoder_); }
  Status Feed(const uint8_t* raw, size_t size, std::string* out) override {
    cairn_error err{};
    return Status::FromError(
        vt_.body_feed(decoder_, cairn_bytes{raw, size}, &AppendSink, out, &err), err);
  }
  Status Finish() override {
    cairn_error err{};
    return Status::FromError(vt_.body_finish(decoder_, &err), err);
  }
  bool VerifiedChecksum(std::string* algorithm, std::string* base64) const override {
    // Plugins built against ABI 1.0 have no body_checksum.
    if (vt_.struct_size < offsetof(cairn_auth_vtable, body_checksum) + sizeof(void*) ||
        vt_.body_checksum == nullptr) {
      return false;
    }
    char alg[16];
    char value[128];
    if (vt_.body_checksum(decoder_, alg, sizeof(alg), value, sizeof(value)) != CAIRN_OK) {
      return false;
    }
    *algorithm = alg;
    *base64 = value;
    return true;
  }

 private:
  const cairn_auth_vtable& vt_;
  void* decoder_;
};

}  // namespace

Result<AuthResult> AuthenticatorProxy::Authenticate(const HttpRequestView& request) {
  std::vector<cairn_header> headers;
  headers.reserve(request.headers.size());
  for (const auto& [name, value] : request.headers) headers.push_back({name.c_str(), value.c_str()});
  cairn_http_request req{sizeof(cairn_http_request),
                         request.method.c_str(),
                         request.uri.c_str(),
                         headers.data(),
                         headers.size(),
                         request.now_unix,
                         request.virtual_host_bucket.empty()
                             ? nullptr
                             : request.virtual_host_bucket.c_str()};
  cairn_principal principal{};
  void* decoder = nullptr;
  cairn_error err{};
  Status st = Status::FromError(
      vt_.authenticate(instance_->get(), &req, &principal, &decoder, &err), err);
  if (!st.ok()) return st;
  AuthResult result;
  result.principal.anonymous = principal.anonymous != 0;
  result.principal.access_key = principal.access_key;
  result.principal.user_id = principal.user_id;
  if (decoder != nullptr) result.body = std::make_unique<BodyDecoderProxy>(vt_, decoder);
  return result;
}

}  // namespace cairn
