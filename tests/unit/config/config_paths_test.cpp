// Config::ResolvePath: paths in the file are relative to the file's directory (so a config can
// be moved with its scripts), absolute paths are kept, and the result is normalized.
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace cairn {
namespace {

std::string Resolve(const std::string& config_path, const std::string& p) {
  Config c;
  c.path = config_path;
  return c.ResolvePath(p);
}

TEST(ConfigPathsTest, RelativeToTheConfigFilesDirectory) {
  EXPECT_EQ(Resolve("/etc/cairn/cairn.toml", "policies/placement.lua"),
            "/etc/cairn/policies/placement.lua");
  EXPECT_EQ(Resolve("conf/cairn.toml", "../scripts/lua/placement.lua"),
            "scripts/lua/placement.lua");
  EXPECT_EQ(Resolve("/work/conf/cairn.toml", "../scripts/lua/placement.lua"),
            "/work/scripts/lua/placement.lua");
  EXPECT_EQ(Resolve("/etc/cairn/cairn.toml", "./plugins/"), "/etc/cairn/plugins/");
}

TEST(ConfigPathsTest, AConfigInTheWorkingDirectory) {
  EXPECT_EQ(Resolve("cairn.toml", "plugins"), "plugins");
  EXPECT_EQ(Resolve("cairn.toml", "a/../b"), "b");
}

TEST(ConfigPathsTest, AbsolutePathsAreKept) {
  EXPECT_EQ(Resolve("/etc/cairn/cairn.toml", "/opt/cairn/plugins"), "/opt/cairn/plugins");
  EXPECT_EQ(Resolve("conf/cairn.toml", "/x/../y"), "/x/../y");
}

TEST(ConfigPathsTest, TheDefaultPlacementPolicyOfTheShippedLayout) {
  auto c = ParseConfig("", std::string(CAIRN_SOURCE_DIR) + "/conf/cairn.toml");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c.value().ResolvePath(c.value().storage.placement_policy),
            std::string(CAIRN_SOURCE_DIR) + "/scripts/lua/placement.lua");
}

}  // namespace
}  // namespace cairn
