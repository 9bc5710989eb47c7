// The services of the cairn_host table as a plugin calls them: the config_* readers over a
// plugin's TOML sub-table (present, absent, wrong type, out of range, no table at all),
// lookup_secret with its buffer limits, data_dir, and log/metric_add robustness.
#include <gtest/gtest.h>

#include <cstring>
#include <string>

#include "config/config.h"
#include "plugin/host_services.h"

namespace cairn {
namespace {

class HostConfigReadersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto parsed = ParseConfig(
        "[codec.t]\n"
        "s = \"hello\"\n"
        "empty = \"\"\n"
        "i = -42\n"
        "big = 9007199254740993\n"
        "b = true\n"
        "f = false\n"
        "real = 1.5\n"
        "arr = [\"x\", \"y\", \"z\"]\n"
        "mixed = [\"x\", 1]\n"
        "none = []\n",
        "test.toml");
    ASSERT_TRUE(parsed.ok()) << parsed.status().ToString();
    config_ = std::move(parsed.value());
    table_.table = config_.PluginTable("codec", "t");
    ASSERT_NE(table_.table, nullptr);
  }

  const cairn_host& host() { return *host_.host(); }

  HostServices host_{"/data/dir", nullptr};
  Config config_;
  cairn_config table_{nullptr};
};

TEST_F(HostConfigReadersTest, ConfigString) {
  const char* out = nullptr;
  ASSERT_EQ(host().config_string(&table_, "s", &out), 1);
  EXPECT_STREQ(out, "hello");
  ASSERT_EQ(host().config_string(&table_, "empty", &out), 1);
  EXPECT_STREQ(out, "");
  out = "untouched";
  EXPECT_EQ(host().config_string(&table_, "missing", &out), 0);
  EXPECT_EQ(host().config_string(&table_, "i", &out), 0);
  EXPECT_EQ(host().config_string(&table_, "arr", &out), 0);
  EXPECT_STREQ(out, "untouched");
}

TEST_F(HostConfigReadersTest, ConfigInt) {
  int64_t out = 7;
  ASSERT_EQ(host().config_int(&table_, "i", &out), 1);
  EXPECT_EQ(out, -42);
  ASSERT_EQ(host().config_int(&table_, "big", &out), 1);
  EXPECT_EQ(out, 9007199254740993);
  out = 7;
  EXPECT_EQ(host().config_int(&table_, "real", &out), 0);
  EXPECT_EQ(host().config_int(&table_, "s", &out), 0);
  EXPECT_EQ(host().config_int(&table_, "missing", &out), 0);
  EXPECT_EQ(out, 7);
}

TEST_F(HostConfigReadersTest, ConfigBool) {
  int out = -1;
  ASSERT_EQ(host().config_bool(&table_, "b", &out), 1);
  EXPECT_EQ(out, 1);
  ASSERT_EQ(host().config_bool(&table_, "f", &out), 1);
  EXPECT_EQ(out, 0);
  EXPECT_EQ(host().config_bool(&table_, "i", &out), 0);
  EXPECT_EQ(host().config_bool(&table_, "missing", &out), 0);
}

TEST_F(HostConfigReadersTest, ConfigArray) {
  EXPECT_EQ(host().config_array_size(&table_, "arr"), 3u);
  EXPECT_EQ(host().config_array_size(&table_, "none"), 0u);
  EXPECT_EQ(host().config_array_size(&table_, "s"), 0u);
  EXPECT_EQ(host().config_array_size(&table_, "missing"), 0u);
  const char* out = nullptr;
  ASSERT_EQ(host().config_array_string(&table_, "arr", 2, &out), 1);
  EXPECT_STREQ(out, "z");
  EXPECT_EQ(host().config_array_string(&table_, "arr", 3, &out), 0);
  EXPECT_EQ(host().config_array_string(&table_, "s", 0, &out), 0);
  ASSERT_EQ(host().config_array_string(&table_, "mixed", 0, &out), 1);
  EXPECT_STREQ(out, "x");
  EXPECT_EQ(host().config_array_string(&table_, "mixed", 1, &out), 0);
}

TEST_F(HostConfigReadersTest, NoConfigMeansEveryKeyIsAbsent) {
  // A plugin created without a sub-table gets a config whose table is null.
  cairn_config empty{nullptr};
  for (const cairn_config* c :
       {static_cast<const cairn_config*>(&empty), static_cast<const cairn_config*>(nullptr)}) {
    const char* s = nullptr;
    int64_t i = 0;
    int b = 0;
    EXPECT_EQ(host().config_string(c, "s", &s), 0);
    EXPECT_EQ(host().config_int(c, "i", &i), 0);
    EXPECT_EQ(host().config_bool(c, "b", &b), 0);
    EXPECT_EQ(host().config_array_size(c, "arr"), 0u);
    EXPECT_EQ(host().config_array_string(c, "arr", 0, &s), 0);
  }
  const char* s = nullptr;
  EXPECT_EQ(host().config_string(&table_, nullptr, &s), 0);
}

TEST_F(HostConfigReadersTest, HostTableIsComplete) {
  EXPECT_EQ(host().struct_size, sizeof(cairn_host));
  EXPECT_STREQ(host().data_dir, "/data/dir");
  EXPECT_NE(host().log, nullptr);
  EXPECT_NE(host().metric_add, nullptr);
  // Out-of-range levels and null strings from a careless plugin must not crash the host.
  host().log(host().host_ctx, 99, nullptr, nullptr);
  host().log(host().host_ctx, -5, "test", "a message from a test plugin");
  host().metric_add(host().host_ctx, "test.counter", 1.0);
}

TEST(HostLookupSecretTest, FindsKnownKeysAndRespectsBufferSizes) {
  HostServices services("/d", [](const std::string& ak) -> Result<SecretRecord> {
    if (ak == "AKIDEXAMPLE") return SecretRecord{"wJalrXUtnFEMI/K7MDENG", "alice"};
    return Status::NotFound("unknown access key");
  });
  const cairn_host& h = *services.host();
  char secret[64];
  char principal[16];
  ASSERT_EQ(h.lookup_secret(h.host_ctx, "AKIDEXAMPLE", secret, sizeof(secret), principal,
                            sizeof(principal)),
            CAIRN_OK);
  EXPECT_STREQ(secret, "wJalrXUtnFEMI/K7MDENG");
  EXPECT_STREQ(principal, "alice");

  EXPECT_EQ(h.lookup_secret(h.host_ctx, "AKIDOTHER", secret, sizeof(secret), principal,
                            sizeof(principal)),
            CAIRN_NOT_FOUND);
  EXPECT_EQ(
      h.lookup_secret(h.host_ctx, nullptr, secret, sizeof(secret), principal, sizeof(principal)),
      CAIRN_NOT_FOUND);

  // The secret is 21 bytes: 22 with its NUL fits, 21 does not, and nothing is written past it.
  char exact[22];
  EXPECT_EQ(h.lookup_secret(h.host_ctx, "AKIDEXAMPLE", exact, sizeof(exact), principal,
                            sizeof(principal)),
            CAIRN_OK);
  char small[24];
  std::memset(small, 'Z', sizeof(small));
  EXPECT_NE(h.lookup_secret(h.host_ctx, "AKIDEXAMPLE", small, 21, principal, sizeof(principal)),
            CAIRN_OK);
  EXPECT_EQ(small[21], 'Z');
  EXPECT_NE(h.lookup_secret(h.host_ctx, "AKIDEXAMPLE", secret, sizeof(secret), principal, 5),
            CAIRN_OK);
}

TEST(HostLookupSecretTest, WithoutALookupEveryKeyIsUnknown) {
  HostServices services("/d", nullptr);
  const cairn_host& h = *services.host();
  char secret[64];
  char principal[64];
  EXPECT_EQ(h.lookup_secret(h.host_ctx, "AKIDEXAMPLE", secret, sizeof(secret), principal,
                            sizeof(principal)),
            CAIRN_NOT_FOUND);
}

}  // namespace
}  // namespace cairn
