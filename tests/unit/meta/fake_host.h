// FakeHost: a cairn_host with an in-memory config sub-table, so that tests can call a plugin's
// Create(PluginContext) the way the loader does. Not thread-safe while being filled.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "cairn/abi.h"
#include "cairn/sdk/plugin_context.h"

namespace cairn::testing {

class FakeHost {
 public:
  explicit FakeHost(std::string data_dir) : data_dir_(std::move(data_dir)) {
    host_.struct_size = sizeof(cairn_host);
    host_.host_ctx = this;
    host_.log = [](void* ctx, int32_t level, const char* plugin, const char* message) {
      static_cast<FakeHost*>(ctx)->logs.push_back(std::string(plugin) + ": " + message);
    };
    host_.config_string = [](const cairn_config* c, const char* key, const char** out) {
      const auto& m = Self(c)->strings;
      auto it = m.find(key);
      if (it == m.end()) return 0;
      *out = it->second.c_str();
      return 1;
    };
    host_.config_int = [](const cairn_config* c, const char* key, int64_t* out) {
      auto it = Self(c)->ints.find(key);
      if (it == Self(c)->ints.end()) return 0;
      *out = it->second;
      return 1;
    };
    host_.config_bool = [](const cairn_config* c, const char* key, int* out) {
      auto it = Self(c)->bools.find(key);
      if (it == Self(c)->bools.end()) return 0;
      *out = it->second ? 1 : 0;
      return 1;
    };
    host_.lookup_secret = [](void*, const char*, char*, size_t, char*, size_t) -> int32_t {
      return CAIRN_NOT_FOUND;
    };
    host_.metric_add = [](void*, const char*, double) {};
    host_.data_dir = data_dir_.c_str();
    host_.config_array_size = [](const cairn_config* c, const char* key) -> size_t {
      auto it = Self(c)->arrays.find(key);
      return it == Self(c)->arrays.end() ? 0 : it->second.size();
    };
    host_.config_array_string = [](const cairn_config* c, const char* key, size_t i,
                                   const char** out) {
      auto it = Self(c)->arrays.find(key);
      if (it == Self(c)->arrays.end() || i >= it->second.size()) return 0;
      *out = it->second[i].c_str();
      return 1;
    };
  }
  FakeHost(const FakeHost&) = delete;
  FakeHost& operator=(const FakeHost&) = delete;

  sdk::PluginContext Context(const char* plugin_name = "test") const {
    return sdk::PluginContext(&host_, reinterpret_cast<const cairn_config*>(this), plugin_name);
  }

  std::map<std::string, std::string> strings;
  std::map<std::string, int64_t> ints;
  std::map<std::string, bool> bools;
  std::map<std::string, std::vector<std::string>> arrays;
  std::vector<std::string> logs;

 private:
  static const FakeHost* Self(const cairn_config* c) {
    return reinterpret_cast<const FakeHost*>(c);
  }

  std::string data_dir_;
  cairn_host host_{};
};

}  // namespace cairn::testing
