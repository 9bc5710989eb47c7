// PluginContext: the plugin-side C++ view of the host services table and of the plugin's own
// configuration sub-table. Header-only so that plugins built with another toolchain compile it
// themselves. Thread-safe (read-only after construction).
#pragma once

#include <cstring>
#include <exception>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "cairn/abi.h"
#include "cairn/status.h"

namespace cairn::sdk {

class PluginContext {
 public:
  PluginContext(const cairn_host* host, const cairn_config* config, const char* plugin_name)
      : host_(host), config_(config), plugin_name_(plugin_name) {}

  std::optional<std::string> GetString(const char* key) const {
    const char* out = nullptr;
    if (host_->config_string(config_, key, &out) && out != nullptr) return std::string(out);
    return std::nullopt;
  }
  std::optional<int64_t> GetInt(const char* key) const {
    int64_t out = 0;
    if (host_->config_int(config_, key, &out)) return out;
    return std::nullopt;
  }
  std::optional<bool> GetBool(const char* key) const {
    int out = 0;
    if (host_->config_bool(config_, key, &out)) return out != 0;
    return std::nullopt;
  }
  std::vector<std::string> GetStringArray(const char* key) const {
    std::vector<std::string> out;
    size_t n = host_->config_array_size(config_, key);
    for (size_t i = 0; i < n; ++i) {
      const char* s = nullptr;
      if (host_->config_array_string(config_, key, i, &s) && s != nullptr) out.emplace_back(s);
    }
    return out;
  }
  // The server's data directory; resolve relative paths against it.
  std::string DataDir() const { return host_->data_dir ? host_->data_dir : "."; }

  void Log(cairn_log_level level, const std::string& message) const {
    host_->log(host_->host_ctx, level, plugin_name_, message.c_str());
  }

  struct Credential {
    std::string secret;
    std::string user_id;
  };
  // NotFound when the access key is unknown.
  Result<Credential> LookupSecret(const std::string& access_key) const {
    char secret[256];
    char user[256];
    int32_t rc = host_->lookup_secret(host_->host_ctx, access_key.c_str(), secret, sizeof(secret),
                                      user, sizeof(user));
    if (rc != CAIRN_OK) return Status::NotFound("unknown access key");
    return Credential{secret, user};
  }

  void MetricAdd(const char* name, double value) const {
    host_->metric_add(host_->host_ctx, name, value);
  }

 private:
  const cairn_host* host_;
  const cairn_config* config_;
  const char* plugin_name_;
};

// Runs fn, turning any exception into a Status: nothing may unwind across the C boundary.
template <typename Fn>
Status Guard(Fn&& fn) noexcept {
  try {
    return fn();
  } catch (const std::exception& e) {
    return Status::Internal(std::string("exception in plugin: ") + e.what());
  } catch (...) {
    return Status::Internal("unknown exception in plugin");
  }
}

// The plugin-side glue every category shares: instance creation and destruction.
// T must provide `static Result<std::unique_ptr<T>> Create(const PluginContext&)`; the context
// outlives the instance.
template <typename T>
struct Instance {
  PluginContext context;
  std::unique_ptr<T> impl;
};

template <typename T>
void* CreateInstance(const char* name, const cairn_host* host, const cairn_config* config,
                     cairn_error* err) noexcept {
  Instance<T>* out = nullptr;
  Status st = Guard([&]() -> Status {
    auto holder = std::make_unique<Instance<T>>(Instance<T>{PluginContext(host, config, name), {}});
    auto created = T::Create(holder->context);
    if (!created.ok()) return created.status();
    holder->impl = std::move(created.value());
    out = holder.release();
    return Status::Ok();
  });
  if (!st.ok()) st.ToError(err);
  return out;
}

template <typename T>
void DestroyInstance(void* instance) noexcept {
  try {
    delete static_cast<Instance<T>*>(instance);
  } catch (...) {
  }
}

template <typename T>
T& Impl(void* instance) {
  return *static_cast<Instance<T>*>(instance)->impl;
}

// Returns a cairn_code and fills err from a Status.
inline int32_t Report(const Status& st, cairn_error* err) {
  if (!st.ok()) st.ToError(err);
  return st.code();
}

}  // namespace cairn::sdk

// Defines the exported entry point. `vtable_expr` is the category's static vtable.
#define CAIRN_DEFINE_PLUGIN_ENTRY(T, name_str, category_str, version_str, keys, key_count,     \
                                  vtable_expr)                                                 \
  extern "C" __attribute__((visibility("default"))) const cairn_plugin_info*                   \
  cairn_plugin_entry(void) {                                                                     \
    static const cairn_plugin_info info = {                                                      \
        CAIRN_ABI_MAJOR,                                                                         \
        CAIRN_ABI_MINOR,                                                                         \
        sizeof(cairn_plugin_info),                                                               \
        name_str,                                                                                \
        category_str,                                                                            \
        version_str,                                                                             \
        keys,                                                                                    \
        key_count,                                                                               \
        [](const cairn_host* h, const cairn_config* c, cairn_error* e) -> void* {                \
          return ::cairn::sdk::CreateInstance<T>(name_str, h, c, e);                             \
        },                                                                                       \
        &::cairn::sdk::DestroyInstance<T>,                                                       \
        vtable_expr,                                                                             \
    };                                                                                           \
    return &info;                                                                                \
  }
