// Plugin-side SDK for codecs: write a class implementing cairn::Codec with
// `static Result<std::unique_ptr<T>> Create(const sdk::PluginContext&)`, then
//   CAIRN_CODEC_PLUGIN(MyCodec, "name", "1.0.0", kConfigKeys, kConfigKeyCount)
#pragma once

#include "cairn/codec.h"
#include "cairn/sdk/plugin_context.h"

namespace cairn::sdk {

template <typename T>
struct CodecGlue {
  static const char* StableName(void* instance) noexcept {
    static thread_local std::string name;
    try {
      name = Impl<T>(instance).StableName();
    } catch (...) {
      name.clear();
    }
    return name.c_str();
  }
  static void* Open(void* instance, uint32_t k, uint32_t m, cairn_error* err) noexcept {
    ErasureCoder* out = nullptr;
    Status st = Guard([&]() -> Status {
      auto coder = Impl<T>(instance).Open(static_cast<int>(k), static_cast<int>(m));
      if (!coder.ok()) return coder.status();
      out = coder.value().release();
      return Status::Ok();
    });
    Report(st, err);
    return out;
  }
  static void Close(void* coder) noexcept {
    try {
      delete static_cast<ErasureCoder*>(coder);
    } catch (...) {
    }
  }
  static int32_t Encode(void* coder, const uint8_t* const* data, uint8_t* const* parity,
                        size_t block_size, cairn_error* err) noexcept {
    return Report(Guard([&] {
                    return static_cast<ErasureCoder*>(coder)->Encode(data, parity, block_size);
                  }),
                  err);
  }
  static int32_t Reconstruct(void* coder, uint8_t* const* blocks, const uint8_t* present,
                             size_t block_size, cairn_error* err) noexcept {
    return Report(Guard([&] {
                    return static_cast<ErasureCoder*>(coder)->Reconstruct(blocks, present,
                                                                          block_size);
                  }),
                  err);
  }
  static const cairn_codec_vtable* VTable() {
    static const cairn_codec_vtable vt = {sizeof(cairn_codec_vtable), &StableName, &Open, &Close,
                                          &Encode, &Reconstruct};
    return &vt;
  }
};

}  // namespace cairn::sdk

#define CAIRN_CODEC_PLUGIN(T, name_str, version_str, keys, key_count) \
  CAIRN_DEFINE_PLUGIN_ENTRY(T, name_str, "codec", version_str, keys, key_count,  \
                            ::cairn::sdk::CodecGlue<T>::VTable())
