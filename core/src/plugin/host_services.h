// HostServices: the cairn_host table the core hands to every plugin (logging, config
// readers, credential lookup, metrics), and the creation of plugin instances after their
// config sub-table has been validated against the keys the plugin declares.
// Thread-safe after construction.
#pragma once

#include <toml++/toml.h>

#include <functional>
#include <memory>
#include <string>

#include "cairn/abi.h"
#include "cairn/status.h"
#include "plugin/plugin_registry.h"

// The opaque config handle of abi.h: one plugin's sub-table (may be empty).
struct cairn_config {
  const toml::table* table;
};

namespace cairn {

struct SecretRecord {
  std::string secret;
  std::string user_id;
};
using SecretLookup = std::function<Result<SecretRecord>(const std::string& access_key)>;

// An instance of a plugin and the plugin that made it; destroys the instance on destruction.
class PluginInstance {
 public:
  PluginInstance(const LoadedPlugin* plugin, void* instance, std::unique_ptr<cairn_config> config)
      : plugin_(plugin), instance_(instance), config_(std::move(config)) {}
  ~PluginInstance() { plugin_->info->destroy(instance_); }
  PluginInstance(const PluginInstance&) = delete;
  PluginInstance& operator=(const PluginInstance&) = delete;
  void* get() const { return instance_; }
  const LoadedPlugin& plugin() const { return *plugin_; }
  template <typename VTable>
  const VTable& vtable() const {
    return *static_cast<const VTable*>(plugin_->info->vtable);
  }

 private:
  const LoadedPlugin* plugin_;
  void* instance_;
  std::unique_ptr<cairn_config> config_;  // plugins may keep pointers into it
};

class HostServices {
 public:
  HostServices(std::string data_dir, SecretLookup lookup);
  const cairn_host* host() const { return &host_; }

  // Validates `table` (null: no sub-table) against the plugin's declared keys, then creates an
  // instance. `where` names the table in errors, e.g. "conf/cairn.toml [meta.sqlite]".
  Result<std::unique_ptr<PluginInstance>> Create(const LoadedPlugin& plugin,
                                                 const toml::table* table,
                                                 const std::string& config_path);

 private:
  static int32_t LookupSecret(void* ctx, const char* access_key, char* secret, size_t secret_cap,
                              char* principal, size_t principal_cap);
  std::string data_dir_;
  SecretLookup lookup_;
  cairn_host host_{};
};

}  // namespace cairn
