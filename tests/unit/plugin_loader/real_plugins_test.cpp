// The in-tree plugins loaded the way a deployment loads them: the build's plugin directory
// passes every loader check, each declares well-formed config keys, and the sub-tables of the
// shipped conf/cairn.toml pass validation and start every plugin (in a scratch data dir).
#include <gtest/gtest.h>

#include <set>
#include <string>

#include "config/config.h"
#include "plugin/codec_proxy.h"
#include "plugin/host_services.h"
#include "plugin/plugin_registry.h"
#include "test_plugins.h"

namespace cairn {
namespace {

struct Wanted {
  const char* category;
  const char* name;
};
constexpr Wanted kInTree[] = {
    {"codec", "isal"}, {"meta", "sqlite"}, {"auth", "sigv4"}, {"transport", "local"}};

TEST(RealPluginsTest, TheBuildPluginDirectoryLoads) {
  PluginRegistry registry;
  Status st = registry.LoadDirectory(CAIRN_PLUGIN_DIR);
  ASSERT_TRUE(st.ok()) << st.ToString();
  for (const Wanted& w : kInTree) {
    auto found = registry.Find(w.category, w.name);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
  }
  for (const auto& p : registry.plugins()) {
    const cairn_plugin_info& info = *p->info;
    EXPECT_EQ(info.abi_major, static_cast<uint32_t>(CAIRN_ABI_MAJOR)) << p->path;
    EXPECT_NE(info.version, nullptr) << p->path;
    EXPECT_TRUE(info.config_key_count == 0 || info.config_keys != nullptr) << p->path;
    std::set<std::string> names;
    for (size_t i = 0; i < info.config_key_count; ++i) {
      const cairn_config_key& k = info.config_keys[i];
      ASSERT_NE(k.name, nullptr) << p->path;
      EXPECT_TRUE(names.insert(k.name).second) << p->path << " declares " << k.name << " twice";
      EXPECT_GE(k.type, CAIRN_CONFIG_STRING) << p->path << " " << k.name;
      EXPECT_LE(k.type, CAIRN_CONFIG_STRING_ARRAY) << p->path << " " << k.name;
      EXPECT_NE(k.description, nullptr) << p->path << " " << k.name;
    }
  }
}

TEST(RealPluginsTest, TheShippedConfigStartsEveryPlugin) {
  auto config = LoadConfig(std::string(CAIRN_SOURCE_DIR) + "/conf/cairn.toml");
  ASSERT_TRUE(config.ok()) << config.status().ToString();
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadDirectory(CAIRN_PLUGIN_DIR).ok());
  testing::TempDir data;
  HostServices host(data.path(), nullptr);
  const Config& c = config.value();
  const Wanted chosen[] = {{"codec", c.storage.codec.c_str()},
                           {"meta", c.meta_engine.c_str()},
                           {"auth", c.auth_engine.c_str()},
                           {"transport", c.transport_engine.c_str()}};
  for (const Wanted& w : chosen) {
    auto plugin = registry.Find(w.category, w.name);
    ASSERT_TRUE(plugin.ok()) << plugin.status().ToString();
    auto inst = host.Create(*plugin.value(), c.PluginTable(w.category, w.name), c.path);
    EXPECT_TRUE(inst.ok()) << inst.status().ToString();
  }
}

TEST(RealPluginsTest, TheIsalCodecWorksThroughTheBoundary) {
  PluginRegistry registry;
  ASSERT_TRUE(registry.LoadFile(std::string(CAIRN_PLUGIN_DIR) + "/codec_isal.so").ok());
  HostServices host("/nonexistent", nullptr);
  auto inst = host.Create(*registry.Find("codec", "isal").value(), nullptr, "cairn.toml");
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  CodecProxy codec(std::move(inst.value()));
  EXPECT_EQ(codec.StableName().rfind("isal", 0), 0u) << codec.StableName();
  auto coder = codec.Open(6, 3);
  ASSERT_TRUE(coder.ok()) << coder.status().ToString();
  EXPECT_EQ(coder.value()->k(), 6);
  EXPECT_EQ(coder.value()->m(), 3);
}

}  // namespace
}  // namespace cairn
