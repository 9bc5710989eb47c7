#include "plugin/host_services.h"

#include <cstring>

#include "config/config.h"
#include "util/log.h"

namespace cairn {
namespace {

const toml::node* Node(const cairn_config* config, const char* key) {
  if (config == nullptr || config->table == nullptr || key == nullptr) return nullptr;
  return config->table->get(key);
}

int ConfigString(const cairn_config* config, const char* key, const char** out) {
  const toml::node* n = Node(config, key);
  if (n == nullptr || !n->is_string()) return 0;
  *out = n->as_string()->get().c_str();
  return 1;
}

int ConfigInt(const cairn_config* config, const char* key, int64_t* out) {
  const toml::node* n = Node(config, key);
  if (n == nullptr || !n->is_integer()) return 0;
  *out = n->as_integer()->get();
  return 1;
}

int ConfigBool(const cairn_config* config, const char* key, int* out) {
  const toml::node* n = Node(config, key);
  if (n == nullptr || !n->is_boolean()) return 0;
  *out = n->as_boolean()->get() ? 1 : 0;
  return 1;
}

size_t ConfigArraySize(const cairn_config* config, const char* key) {
  const toml::node* n = Node(config, key);
  return (n != nullptr && n->is_array()) ? n->as_array()->size() : 0;
}

int ConfigArrayString(const cairn_config* config, const char* key, size_t index,
                      const char** out) {
  const toml::node* n = Node(config, key);
  if (n == nullptr || !n->is_array() || index >= n->as_array()->size()) return 0;
  const toml::node* e = n->as_array()->get(index);
  if (e == nullptr || !e->is_string()) return 0;
  *out = e->as_string()->get().c_str();
  return 1;
}

void HostLog(void*, int32_t level, const char* plugin, const char* message) {
  Log(static_cast<LogLevel>(level < 0 ? 0 : level > 3 ? 3 : level),
      std::string("plugin/") + (plugin ? plugin : "?"), message ? message : "");
}

void MetricAdd(void*, const char*, double) {}  // metrics arrive with the metrics endpoint

bool TypeMatches(const toml::node& n, int32_t type) {
  switch (type) {
    case CAIRN_CONFIG_STRING: return n.is_string();
    case CAIRN_CONFIG_INT: return n.is_integer();
    case CAIRN_CONFIG_BOOL: return n.is_boolean();
    case CAIRN_CONFIG_STRING_ARRAY: {
      const toml::array* a = n.as_array();
      if (a == nullptr) return false;
      for (const auto& e : *a) {
        if (!e.is_string()) return false;
      }
      return true;
    }
  }
  return false;
}

const char* TypeName(int32_t type) {
  switch (type) {
    case CAIRN_CONFIG_STRING: return "a string";
    case CAIRN_CONFIG_INT: return "an integer";
    case CAIRN_CONFIG_BOOL: return "a boolean";
    case CAIRN_CONFIG_STRING_ARRAY: return "an array of strings";
  }
  return "?";
}

}  // namespace

HostServices::HostServices(std::string data_dir, SecretLookup lookup)
    : data_dir_(std::move(data_dir)), lookup_(std::move(lookup)) {
  host_.struct_size = sizeof(cairn_host);
  host_.host_ctx = this;
  host_.log = &HostLog;
  host_.config_string = &ConfigString;
  host_.config_int = &ConfigInt;
  host_.config_bool = &ConfigBool;
  host_.lookup_secret = &HostServices::LookupSecret;
  host_.metric_add = &MetricAdd;
  host_.data_dir = data_dir_.c_str();
  host_.config_array_size = &ConfigArraySize;
  host_.config_array_string = &ConfigArrayString;
}

int32_t HostServices::LookupSecret(void* ctx, const char* access_key, char* secret,
                                   size_t secret_cap, char* principal, size_t principal_cap) {
  auto* self = static_cast<HostServices*>(ctx);
  if (access_key == nullptr || !self->lookup_) return CAIRN_NOT_FOUND;
  auto rec = self->lookup_(access_key);
  if (!rec.ok()) return CAIRN_NOT_FOUND;
  if (rec->secret.size() + 1 > secret_cap || rec->user_id.size() + 1 > principal_cap) {
    return CAIRN_INVALID_ARGUMENT;
  }
  std::memcpy(secret, rec->secret.c_str(), rec->secret.size() + 1);
  std::memcpy(principal, rec->user_id.c_str(), rec->user_id.size() + 1);
  return CAIRN_OK;
}

Result<std::unique_ptr<PluginInstance>> HostServices::Create(const LoadedPlugin& plugin,
                                                             const toml::table* table,
                                                             const std::string& config_path) {
  const cairn_plugin_info& info = *plugin.info;
  std::string section = std::string(info.category) + "." + info.name;
  if (table != nullptr) {
    for (const auto& [k, node] : *table) {
      const cairn_config_key* decl = nullptr;
      for (size_t i = 0; i < info.config_key_count; ++i) {
        if (k.str() == info.config_keys[i].name) decl = &info.config_keys[i];
      }
      std::string key = section + "." + std::string(k.str());
      if (decl == nullptr) {
        std::string known;
        for (size_t i = 0; i < info.config_key_count; ++i) {
          known += std::string(known.empty() ? "" : ", ") + info.config_keys[i].name;
        }
        return Status::InvalidArgument(ConfigPosition(config_path, node) + ": " + key +
                                       ": unknown key (the " + info.name + " plugin accepts: " +
                                       (known.empty() ? "no keys" : known) + ")");
      }
      if (!TypeMatches(node, decl->type)) {
        return Status::InvalidArgument(ConfigPosition(config_path, node) + ": " + key +
                                       ": expected " + TypeName(decl->type));
      }
    }
  }
  for (size_t i = 0; i < info.config_key_count; ++i) {
    const cairn_config_key& decl = info.config_keys[i];
    if (decl.required && (table == nullptr || !table->contains(decl.name))) {
      return Status::InvalidArgument(config_path + ": [" + section + "] is missing the required key '" +
                                     decl.name + "'");
    }
  }
  auto config = std::make_unique<cairn_config>(cairn_config{table});
  cairn_error err{};
  void* instance = info.create(&host_, config.get(), &err);
  if (instance == nullptr) {
    Status st = Status::FromError(err.code == CAIRN_OK ? CAIRN_INTERNAL : err.code, err);
    return Status::InvalidArgument("plugin " + section + " (" + plugin.path +
                                   ") failed to start: " + st.message());
  }
  return std::make_unique<PluginInstance>(&plugin, instance, std::move(config));
}

}  // namespace cairn
