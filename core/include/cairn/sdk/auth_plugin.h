// Plugin-side SDK for authenticators: write a class implementing cairn::Authenticator with
// `static Result<std::unique_ptr<T>> Create(const sdk::PluginContext&)`, then
//   CAIRN_AUTH_PLUGIN(MyAuth, "name", "1.0.0", kConfigKeys, kConfigKeyCount)
#pragma once

#include <cstddef>

#include "cairn/authenticator.h"
#include "cairn/sdk/plugin_context.h"
#include "cairn/sdk/transport_plugin.h"  // CopyField

namespace cairn::sdk {

template <typename T>
struct AuthGlue {
  static int32_t Authenticate(void* instance, const cairn_http_request* req,
                              cairn_principal* principal, void** body_decoder,
                              cairn_error* err) noexcept {
    *body_decoder = nullptr;
    return Report(Guard([&]() -> Status {
                    HttpRequestView view;
                    view.method = req->method;
                    view.uri = req->uri;
                    view.now_unix = req->now_unix;
                    // Hosts built against ABI 1.0-1.3 do not pass it: path style.
                    if (req->struct_size >= offsetof(cairn_http_request, virtual_host_bucket) +
                                               sizeof(req->virtual_host_bucket) &&
                        req->virtual_host_bucket != nullptr) {
                      view.virtual_host_bucket = req->virtual_host_bucket;
                    }
                    for (size_t i = 0; i < req->header_count; ++i) {
                      view.headers.emplace_back(req->headers[i].name, req->headers[i].value);
                    }
                    auto result = Impl<T>(instance).Authenticate(view);
                    if (!result.ok()) return result.status();
                    const Principal& p = result.value().principal;
                    principal->anonymous = p.anonymous ? 1 : 0;
                    CopyField(principal->access_key, sizeof(principal->access_key), p.access_key);
                    CopyField(principal->user_id, sizeof(principal->user_id), p.user_id);
                    *body_decoder = result.value().body.release();
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t BodyFeed(void* decoder, cairn_bytes raw, cairn_sink_fn sink, void* sink_ctx,
                          cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::string out;
                    CAIRN_RETURN_IF_ERROR(
                        static_cast<BodyDecoder*>(decoder)->Feed(raw.data, raw.size, &out));
                    if (!out.empty() &&
                        sink(sink_ctx, reinterpret_cast<const uint8_t*>(out.data()),
                             out.size()) != 0) {
                      return Status::Internal("the host stopped the body");
                    }
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t BodyFinish(void* decoder, cairn_error* err) noexcept {
    return Report(Guard([&] { return static_cast<BodyDecoder*>(decoder)->Finish(); }), err);
  }
  static void BodyFree(void* decoder) noexcept {
    try {
      delete static_cast<BodyDecoder*>(decoder);
    } catch (...) {
    }
  }
  static int32_t BodyChecksum(void* decoder, char* algorithm, size_t algorithm_cap, char* value,
                              size_t value_cap) noexcept {
    try {
      std::string alg, b64;
      if (!static_cast<BodyDecoder*>(decoder)->VerifiedChecksum(&alg, &b64)) {
        return CAIRN_NOT_FOUND;
      }
      CopyField(algorithm, algorithm_cap, alg);
      CopyField(value, value_cap, b64);
      return CAIRN_OK;
    } catch (...) {
      return CAIRN_INTERNAL;
    }
  }
  static const cairn_auth_vtable* VTable() {
    static const cairn_auth_vtable vt = {sizeof(cairn_auth_vtable), &Authenticate, &BodyFeed,
                                         &BodyFinish, &BodyFree, &BodyChecksum};
    return &vt;
  }
};

}  // namespace cairn::sdk

#define CAIRN_AUTH_PLUGIN(T, name_str, version_str, keys, key_count) \
  CAIRN_DEFINE_PLUGIN_ENTRY(T, name_str, "auth", version_str, keys, key_count, \
                            ::cairn::sdk::AuthGlue<T>::VTable())
