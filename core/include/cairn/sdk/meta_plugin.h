// Plugin-side SDK for metadata engines: write a class implementing cairn::MetaStore with
// `static Result<std::unique_ptr<T>> Create(const sdk::PluginContext&)`, then
//   CAIRN_META_PLUGIN(MyStore, "name", "1.0.0", kConfigKeys, kConfigKeyCount)
#pragma once

#include "cairn/meta_store.h"
#include "cairn/sdk/plugin_context.h"

namespace cairn::sdk {

inline std::string_view View(cairn_bytes b) {
  return std::string_view(reinterpret_cast<const char*>(b.data), b.size);
}
inline cairn_bytes Bytes(std::string_view s) {
  return cairn_bytes{reinterpret_cast<const uint8_t*>(s.data()), s.size()};
}

template <typename T>
struct MetaGlue {
  static int32_t Get(void* instance, cairn_bytes key, cairn_sink_fn sink, void* sink_ctx,
                     cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::string value;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).Get(View(key), &value));
                    sink(sink_ctx, reinterpret_cast<const uint8_t*>(value.data()), value.size());
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t Scan(void* instance, const cairn_bytes* range, uint64_t limit, cairn_kv_fn fn,
                      void* fn_ctx, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    std::vector<KeyValue> out;
                    CAIRN_RETURN_IF_ERROR(Impl<T>(instance).Scan(View(range[0]), View(range[1]),
                                                                 limit, &out));
                    for (const auto& kv : out) {
                      if (fn(fn_ctx, Bytes(kv.key), Bytes(kv.value)) != 0) break;
                    }
                    return Status::Ok();
                  }),
                  err);
  }
  static int32_t Commit(void* instance, const cairn_kv_txn* txn, cairn_error* err) noexcept {
    return Report(Guard([&]() -> Status {
                    Txn t;
                    for (size_t i = 0; i < txn->condition_count; ++i) {
                      const auto& c = txn->conditions[i];
                      t.Require(std::string(View(c.key)),
                                static_cast<TxnCondition::Kind>(c.kind),
                                std::string(View(c.value)));
                    }
                    for (size_t i = 0; i < txn->op_count; ++i) {
                      const auto& o = txn->ops[i];
                      t.ops.push_back({std::string(View(o.key)),
                                       static_cast<TxnOp::Kind>(o.kind),
                                       std::string(View(o.value))});
                    }
                    return Impl<T>(instance).Commit(t);
                  }),
                  err);
  }
  static const cairn_meta_vtable* VTable() {
    static const cairn_meta_vtable vt = {sizeof(cairn_meta_vtable), &Get, &Scan, &Commit};
    return &vt;
  }
};

}  // namespace cairn::sdk

#define CAIRN_META_PLUGIN(T, name_str, version_str, keys, key_count) \
  CAIRN_DEFINE_PLUGIN_ENTRY(T, name_str, "meta", version_str, keys, key_count, \
                            ::cairn::sdk::MetaGlue<T>::VTable())
