// HostServices::Create: a plugin's TOML sub-table is validated against the keys it declares
// (unknown key with file:line:col, wrong type, missing required key) before the plugin is
// created, a plugin whose create() fails is reported with its message, and a created plugin
// sees its config through the host's readers and works through its vtable.
#include "plugin/host_services.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "plugin/codec_proxy.h"
#include "test_plugins.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;
using testing::PluginCaseDir;
using testing::PluginFile;
using ::testing::StartsWith;

constexpr char kPath[] = "conf/test.toml";

class HostServicesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (const char* c : {"good", "keyed", "create_fails"}) {
      ASSERT_TRUE(registry_.LoadDirectory(PluginCaseDir(c)).ok()) << c;
    }
  }

  const LoadedPlugin& Plugin(const std::string& name) {
    auto found = registry_.Find("codec", name);
    EXPECT_TRUE(found.ok()) << found.status().ToString();
    return *found.value();
  }

  // Parses `toml` as a whole configuration file and creates codec `name` from its
  // [codec.<name>] table (absent: no table).
  Result<std::unique_ptr<PluginInstance>> CreateFrom(const std::string& name,
                                                     const std::string& toml) {
    auto config = ParseConfig(toml, kPath);
    if (!config.ok()) return config.status();
    config_ = std::move(config.value());
    return host_.Create(Plugin(name), config_.PluginTable("codec", name), kPath);
  }

  // Creates the keyed plugin and returns what it read, or the error message.
  std::string KeyedEcho(const std::string& toml) {
    auto inst = CreateFrom("keyed", toml);
    if (!inst.ok()) return "error: " + inst.status().message();
    CodecProxy codec(std::move(inst.value()));
    return codec.StableName();
  }

  // Declared first so that instances made by a test are destroyed before their libraries.
  PluginRegistry registry_;
  HostServices host_{"/var/lib/cairn-test", nullptr};
  Config config_;
};

TEST_F(HostServicesTest, CreatesAPluginWithoutConfigAndUsesItThroughItsVtable) {
  auto inst = host_.Create(Plugin("good"), nullptr, kPath);
  ASSERT_TRUE(inst.ok()) << inst.status().ToString();
  EXPECT_EQ(&inst.value()->plugin(), &Plugin("good"));
  CodecProxy codec(std::move(inst.value()));
  EXPECT_EQ(codec.StableName(), "good-xor/1");

  auto coder = codec.Open(2, 1);
  ASSERT_TRUE(coder.ok()) << coder.status().ToString();
  std::vector<uint8_t> a = {1, 2, 3, 4}, b = {16, 32, 64, 128}, p(4), lost(4);
  const uint8_t* data[] = {a.data(), b.data()};
  uint8_t* parity[] = {p.data()};
  ASSERT_TRUE(coder.value()->Encode(data, parity, 4).ok());
  EXPECT_EQ(p, (std::vector<uint8_t>{17, 34, 67, 132}));
  uint8_t* blocks[] = {lost.data(), b.data(), p.data()};
  const uint8_t present[] = {0, 1, 1};
  ASSERT_TRUE(coder.value()->Reconstruct(blocks, present, 4).ok());
  EXPECT_EQ(lost, a);
}

TEST_F(HostServicesTest, APluginErrorCrossesTheBoundaryWithItsMessage) {
  auto inst = host_.Create(Plugin("good"), nullptr, kPath);
  ASSERT_TRUE(inst.ok());
  CodecProxy codec(std::move(inst.value()));
  auto coder = codec.Open(6, 3);
  ASSERT_FALSE(coder.ok());
  EXPECT_EQ(coder.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_THAT(coder.status().message(), HasSubstr("good-xor supports only m = 1"));
}

TEST_F(HostServicesTest, PluginSeesItsValidatedConfig) {
  EXPECT_EQ(KeyedEcho("[codec.keyed]\n"
                      "endpoint = \"http://frobs:8080\"\n"
                      "retries = 3\n"
                      "verbose = true\n"
                      "zones = [\"eu-1\", \"eu-2\"]\n"),
            "endpoint=http://frobs:8080 retries=3 verbose=true zones=eu-1;eu-2;");
  EXPECT_EQ(KeyedEcho("[codec.keyed]\nendpoint = \"e\"\n"),
            "endpoint=e retries=<none> verbose=<none> zones=");
  EXPECT_EQ(KeyedEcho("[codec.keyed]\nendpoint = \"e\"\nzones = []\nverbose = false\n"),
            "endpoint=e retries=<none> verbose=false zones=");
}

TEST_F(HostServicesTest, RefusesAnUnknownKeyWithFileLineAndColumn) {
  auto inst = CreateFrom("keyed",
                         "[codec.keyed]\n"
                         "endpoint = \"e\"\n"
                         "retires = 3\n");
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(inst.status().message(),
            "conf/test.toml:3:11: codec.keyed.retires: unknown key (the keyed plugin accepts: "
            "endpoint, retries, verbose, zones)");
}

TEST_F(HostServicesTest, RefusesAnyKeyForAPluginThatDeclaresNone) {
  auto inst = CreateFrom("good", "[codec.good]\n\nlevel = 9\n");
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().message(),
            "conf/test.toml:3:9: codec.good.level: unknown key (the good plugin accepts: no keys)");
}

TEST_F(HostServicesTest, RefusesANestedTableAsAnUnknownKey) {
  auto inst = CreateFrom("keyed", "[codec.keyed]\nendpoint = \"e\"\n[codec.keyed.extra]\nx = 1\n");
  ASSERT_FALSE(inst.ok());
  EXPECT_THAT(inst.status().message(), StartsWith("conf/test.toml:3:"));
  EXPECT_THAT(inst.status().message(), HasSubstr("codec.keyed.extra: unknown key"));
}

TEST_F(HostServicesTest, RefusesWrongTypesNamingTheExpectedType) {
  struct Case {
    std::string line;
    std::string want;
  };
  const Case cases[] = {
      {"endpoint = 5", "conf/test.toml:2:12: codec.keyed.endpoint: expected a string"},
      {"retries = \"three\"", "conf/test.toml:2:11: codec.keyed.retries: expected an integer"},
      {"retries = 2.5", "conf/test.toml:2:11: codec.keyed.retries: expected an integer"},
      {"verbose = \"yes\"", "conf/test.toml:2:11: codec.keyed.verbose: expected a boolean"},
      {"zones = \"eu-1\"", "conf/test.toml:2:9: codec.keyed.zones: expected an array of strings"},
      {"zones = [\"eu-1\", 2]",
       "conf/test.toml:2:9: codec.keyed.zones: expected an array of strings"},
  };
  for (const Case& c : cases) {
    std::string toml = "[codec.keyed]\n" + c.line + "\n";
    if (c.line.rfind("endpoint", 0) != 0) toml += "endpoint = \"e\"\n";
    auto inst = CreateFrom("keyed", toml);
    ASSERT_FALSE(inst.ok()) << c.line;
    EXPECT_EQ(inst.status().code(), CAIRN_INVALID_ARGUMENT) << c.line;
    EXPECT_EQ(inst.status().message(), c.want) << c.line;
  }
}

TEST_F(HostServicesTest, RefusesAMissingRequiredKey) {
  const std::string want = "conf/test.toml: [codec.keyed] is missing the required key 'endpoint'";
  auto with_table = CreateFrom("keyed", "[codec.keyed]\nretries = 1\n");
  ASSERT_FALSE(with_table.ok());
  EXPECT_EQ(with_table.status().message(), want);

  auto without_table = host_.Create(Plugin("keyed"), nullptr, kPath);
  ASSERT_FALSE(without_table.ok());
  EXPECT_EQ(without_table.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(without_table.status().message(), want);
}

TEST_F(HostServicesTest, ReportsAPluginWhoseCreateFails) {
  auto inst = host_.Create(Plugin("broken"), nullptr, kPath);
  ASSERT_FALSE(inst.ok());
  EXPECT_EQ(inst.status().code(), CAIRN_INVALID_ARGUMENT);
  EXPECT_EQ(inst.status().message(),
            "plugin codec.broken (" + PluginFile("create_fails", "create_fails") +
                ") failed to start: license server unreachable at 192.0.2.1:27000");
}

}  // namespace
}  // namespace cairn
