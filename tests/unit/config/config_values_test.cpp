// ParseConfig on valid input: defaults when keys are absent, every key read into its field,
// [[credentials]], plugin sub-tables kept for the loader, and the shipped conf/cairn.toml.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "config/config.h"

namespace cairn {
namespace {

using Strings = std::vector<std::string>;

Config Parse(const std::string& text) {
  auto c = ParseConfig(text, "cairn.toml");
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return c.ok() ? std::move(c.value()) : Config{};
}

TEST(ConfigValuesTest, EmptyFileGivesTheDefaults) {
  Config c = Parse("");
  const ServerConfig server;
  const StorageConfig storage;
  EXPECT_EQ(c.path, "cairn.toml");
  ASSERT_NE(c.document, nullptr);
  EXPECT_EQ(c.server.listen, server.listen);
  EXPECT_EQ(c.server.listen, "127.0.0.1:9000");
  EXPECT_EQ(c.server.data_dir, "./data");
  EXPECT_EQ(c.server.region, "us-east-1");
  EXPECT_TRUE(c.server.virtual_host_domains.empty());
  EXPECT_TRUE(c.server.plugin_dirs.empty());
  EXPECT_EQ(c.server.max_threads, 64);
  EXPECT_EQ(c.server.max_queued, 4096);
  EXPECT_EQ(c.server.max_connections, 16384);
  EXPECT_EQ(c.server.max_connections_per_client, 1024);
  EXPECT_EQ(c.server.header_timeout_seconds, 10);
  EXPECT_EQ(c.server.idle_timeout_seconds, 15);
  EXPECT_EQ(c.server.body_timeout_seconds, 60);
  EXPECT_EQ(c.storage.max_put_bytes, 5ll << 30);
  EXPECT_EQ(c.storage.codec, "isal");
  EXPECT_EQ(c.storage.data_shards, 6);
  EXPECT_EQ(c.storage.parity_shards, 3);
  EXPECT_EQ(c.storage.block_size, 1 << 20);
  EXPECT_EQ(c.storage.chunk_size, 64ll << 20);
  EXPECT_EQ(c.storage.placement_policy, storage.placement_policy);
  EXPECT_EQ(c.storage.free_delay_seconds, 900);
  EXPECT_EQ(c.meta_engine, "sqlite");
  EXPECT_EQ(c.transport_engine, "local");
  EXPECT_EQ(c.auth_engine, "sigv4");
  EXPECT_TRUE(c.credentials.empty());
}

TEST(ConfigValuesTest, ReadsEveryKey) {
  Config c = Parse(R"(
[server]
listen = "0.0.0.0:8333"
data_dir = "/srv/cairn"
region = "eu-west-3"
virtual_host_domains = ["s3.example.com", "example.net"]
plugin_dirs = ["/opt/cairn/plugins"]
max_threads = 2
max_queued = 1048576

[storage]
codec = "jerasure"
data_shards = 4
parity_shards = 0
block_size = 4096
chunk_size = 1048576
placement_policy = "policies/zoned.lua"
free_delay_seconds = 2

[meta]
engine = "etcd"
[transport]
engine = "http"
[auth]
engine = "none"
)");
  EXPECT_EQ(c.server.listen, "0.0.0.0:8333");
  EXPECT_EQ(c.server.data_dir, "/srv/cairn");
  EXPECT_EQ(c.server.region, "eu-west-3");
  EXPECT_EQ(c.server.virtual_host_domains, (Strings{"s3.example.com", "example.net"}));
  EXPECT_EQ(c.server.plugin_dirs, (Strings{"/opt/cairn/plugins"}));
  EXPECT_EQ(c.server.max_threads, 2);
  EXPECT_EQ(c.server.max_queued, 1 << 20);
  EXPECT_EQ(c.storage.codec, "jerasure");
  EXPECT_EQ(c.storage.data_shards, 4);
  EXPECT_EQ(c.storage.parity_shards, 0);
  EXPECT_EQ(c.storage.block_size, 4096);
  EXPECT_EQ(c.storage.chunk_size, 1 << 20);
  EXPECT_EQ(c.storage.placement_policy, "policies/zoned.lua");
  EXPECT_EQ(c.storage.free_delay_seconds, 2);
  EXPECT_EQ(c.meta_engine, "etcd");
  EXPECT_EQ(c.transport_engine, "http");
  EXPECT_EQ(c.auth_engine, "none");
}

TEST(ConfigValuesTest, RangeLimitsAreInclusive) {
  Config low = Parse(
      "[server]\nmax_threads = 2\nmax_queued = 1\n"
      "[storage]\ndata_shards = 1\nparity_shards = 0\nblock_size = 4096\nchunk_size = 1048576\n");
  EXPECT_EQ(low.server.max_threads, 2);
  EXPECT_EQ(low.storage.data_shards, 1);
  Config high = Parse(
      "[server]\nmax_threads = 4096\nmax_queued = 1048576\n"
      "[storage]\ndata_shards = 64\nparity_shards = 32\nblock_size = 16777216\n"
      "chunk_size = 1073741824\n");
  EXPECT_EQ(high.server.max_threads, 4096);
  EXPECT_EQ(high.storage.data_shards, 64);
  EXPECT_EQ(high.storage.parity_shards, 32);
  EXPECT_EQ(high.storage.block_size, 16 << 20);
  EXPECT_EQ(high.storage.chunk_size, 1ll << 30);
}

TEST(ConfigValuesTest, LuaLimits) {
  Config defaults = Parse("");
  EXPECT_EQ(defaults.lua.memory_bytes, 16 << 20);
  EXPECT_EQ(defaults.lua.instructions_per_call, 10'000'000);
  EXPECT_EQ(defaults.lua.allocation_bytes_per_call, 256 << 20);
  EXPECT_EQ(defaults.lua.milliseconds_per_call, 1000);
  Config c = Parse("[lua]\nmemory_bytes = 33554432\ninstructions_per_call = 5000\n"
                   "allocation_bytes_per_call = 1048576\nmilliseconds_per_call = 20\n");
  EXPECT_EQ(c.lua.memory_bytes, 32 << 20);
  EXPECT_EQ(c.lua.instructions_per_call, 5000);
  EXPECT_EQ(c.lua.allocation_bytes_per_call, 1 << 20);
  EXPECT_EQ(c.lua.milliseconds_per_call, 20);
  EXPECT_FALSE(ParseConfig("[lua]\nmilliseconds_per_call = 0\n", "cairn.toml").ok());
  EXPECT_FALSE(ParseConfig("[lua]\ncpu = 1\n", "cairn.toml").ok());
}

TEST(ConfigValuesTest, Lifecycle) {
  Config defaults = Parse("");
  EXPECT_EQ(defaults.lifecycle.seconds_per_day, 86400);
  EXPECT_EQ(defaults.lifecycle.interval_seconds, 60);
  EXPECT_TRUE(defaults.lifecycle.bucket_scripts.empty());
  Config c = Parse("[lifecycle]\nseconds_per_day = 2\ninterval_seconds = 0\n"
                   "script = \"/etc/cairn/lc.lua\"\n[lifecycle.buckets]\nlogs = \"logs.lua\"\n");
  EXPECT_EQ(c.lifecycle.seconds_per_day, 2);
  EXPECT_EQ(c.lifecycle.interval_seconds, 0);
  EXPECT_EQ(c.lifecycle.script, "/etc/cairn/lc.lua");
  EXPECT_EQ(c.lifecycle.bucket_scripts.at("logs"), "logs.lua");
  EXPECT_FALSE(ParseConfig("[lifecycle]\nseconds_per_day = 0\n", "cairn.toml").ok());
  EXPECT_FALSE(ParseConfig("[lifecycle]\nseconds_per_day = 86401\n", "cairn.toml").ok());
  EXPECT_FALSE(ParseConfig("[lifecycle.buckets]\nlogs = 3\n", "cairn.toml").ok());
  EXPECT_FALSE(ParseConfig("[lifecycle]\ndays = 1\n", "cairn.toml").ok());
}

TEST(ConfigValuesTest, ChunkOfExactlyOneStripeIsAccepted) {
  Config c = Parse("[storage]\ndata_shards = 4\nblock_size = 262144\nchunk_size = 1048576\n");
  EXPECT_EQ(c.storage.chunk_size, c.storage.data_shards * c.storage.block_size);
}

TEST(ConfigValuesTest, ReadsCredentialsInOrderAndDefaultsTheUser) {
  Config c = Parse(R"(
[[credentials]]
access_key = "AKALICE"
secret_key = "alice-secret"
user = "alice"

[[credentials]]
access_key = "AKBOB"
secret_key = "bob-secret"
)");
  ASSERT_EQ(c.credentials.size(), 2u);
  EXPECT_EQ(c.credentials[0].access_key, "AKALICE");
  EXPECT_EQ(c.credentials[0].secret_key, "alice-secret");
  EXPECT_EQ(c.credentials[0].user, "alice");
  EXPECT_EQ(c.credentials[1].access_key, "AKBOB");
  EXPECT_EQ(c.credentials[1].user, "AKBOB");
}

TEST(ConfigValuesTest, KeepsPluginSubTablesForTheLoader) {
  Config c = Parse(R"(
[meta]
engine = "sqlite"
[meta.sqlite]
path = "meta/x.sqlite"
[transport.local]
drives = ["d0", "d1"]
[codec.isal]
[auth.sigv4]
max_clock_skew_seconds = 60
)");
  const toml::table* sqlite = c.PluginTable("meta", "sqlite");
  ASSERT_NE(sqlite, nullptr);
  EXPECT_EQ(sqlite->get("path")->value<std::string>(), "meta/x.sqlite");
  ASSERT_NE(c.PluginTable("transport", "local"), nullptr);
  EXPECT_EQ(c.PluginTable("transport", "local")->get("drives")->as_array()->size(), 2u);
  ASSERT_NE(c.PluginTable("codec", "isal"), nullptr);
  EXPECT_TRUE(c.PluginTable("codec", "isal")->empty());
  ASSERT_NE(c.PluginTable("auth", "sigv4"), nullptr);
  EXPECT_EQ(c.PluginTable("meta", "rocksdb"), nullptr);
  EXPECT_EQ(c.PluginTable("frob", "sqlite"), nullptr);
  // `engine` is a key of [meta], not a plugin table.
  EXPECT_EQ(c.PluginTable("meta", "engine"), nullptr);
}

TEST(ConfigValuesTest, PluginTablesMayBeWrittenAsDottedKeys) {
  Config c = Parse("meta.sqlite.path = \"m.sqlite\"\n");
  ASSERT_NE(c.PluginTable("meta", "sqlite"), nullptr);
  EXPECT_EQ(c.meta_engine, "sqlite");
}

TEST(ConfigValuesTest, NoDocumentMeansNoPluginTable) {
  Config c;
  EXPECT_EQ(c.PluginTable("meta", "sqlite"), nullptr);
}

TEST(ConfigValuesTest, TheShippedConfigLoads) {
  std::string path = std::string(CAIRN_SOURCE_DIR) + "/conf/cairn.toml";
  auto loaded = LoadConfig(path);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const Config& c = loaded.value();
  EXPECT_EQ(c.path, path);
  EXPECT_EQ(c.storage.codec, "isal");
  EXPECT_EQ(c.storage.data_shards, 6);
  EXPECT_EQ(c.storage.parity_shards, 3);
  EXPECT_EQ(c.meta_engine, "sqlite");
  EXPECT_EQ(c.transport_engine, "local");
  EXPECT_EQ(c.auth_engine, "sigv4");
  EXPECT_NE(c.PluginTable("meta", "sqlite"), nullptr);
  EXPECT_NE(c.PluginTable("transport", "local"), nullptr);
}

TEST(ConfigValuesTest, LoadConfigOfAMissingFileIsNotFound) {
  auto loaded = LoadConfig("/nonexistent/cairn.toml");
  ASSERT_FALSE(loaded.ok());
  EXPECT_TRUE(loaded.status().IsNotFound());
  EXPECT_NE(loaded.status().message().find("/nonexistent/cairn.toml"), std::string::npos);
}

}  // namespace
}  // namespace cairn
