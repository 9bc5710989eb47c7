// ParseConfig refusals: each names "file:line:col: key: what" so an operator can go straight to
// the line -- unknown keys and sections, wrong types, out-of-range integers, a chunk smaller
// than one stripe, malformed TOML and bad [[credentials]].
#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <string>

#include "config/config.h"

namespace cairn {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

// The error message of parsing `text` as "cairn.toml", or "OK" when it parses.
std::string Error(const std::string& text) {
  auto c = ParseConfig(text, "cairn.toml");
  if (c.ok()) return "OK";
  EXPECT_EQ(c.status().code(), CAIRN_INVALID_ARGUMENT) << c.status().ToString();
  return c.status().message();
}

TEST(ConfigErrorsTest, UnknownKeys) {
  EXPECT_EQ(Error("[server]\nlisten = \"x\"\nlisen = \"y\"\n"),
            "cairn.toml:3:9: server.lisen: unknown key");
  EXPECT_EQ(Error("[storage]\nk = 6\n"), "cairn.toml:2:5: storage.k: unknown key");
  EXPECT_EQ(Error("[server.tls]\ncert = \"c.pem\"\n"), "cairn.toml:1:1: server.tls: unknown key");
  EXPECT_EQ(Error("debug = true\n"), "cairn.toml:1:9: debug: unknown key");
  EXPECT_EQ(Error("[[credentials]]\naccess_key = \"a\"\nsecret_key = \"s\"\nsecret = \"s\"\n"),
            "cairn.toml:4:10: credentials.secret: unknown key");
}

TEST(ConfigErrorsTest, UnknownSections) {
  EXPECT_EQ(Error("[server]\n\n[frobs]\nx = 1\n"), "cairn.toml:3:1: frobs: unknown section");
  EXPECT_EQ(Error("[[servers]]\nlisten = \"x\"\n"), "cairn.toml:1:1: servers: unknown key");
}

TEST(ConfigErrorsTest, StrayKeysInEngineAndCodecSections) {
  EXPECT_EQ(Error("[meta]\npath = \"m.sqlite\"\n"),
            "cairn.toml:2:8: meta.path: unknown key (plugin settings go in a [meta.<plugin>] "
            "table)");
  EXPECT_EQ(Error("[transport]\nengine = \"local\"\ndrives = [\"d\"]\n"),
            "cairn.toml:3:10: transport.drives: unknown key (plugin settings go in a "
            "[transport.<plugin>] table)");
  EXPECT_EQ(Error("[codec]\nk = 6\n"),
            "cairn.toml:2:5: codec.k: unknown key (codec settings go in a [codec.<plugin>] "
            "table)");
}

TEST(ConfigErrorsTest, WrongTypes) {
  EXPECT_EQ(Error("[server]\nlisten = 9000\n"),
            "cairn.toml:2:10: server.listen: expected a string");
  EXPECT_EQ(Error("[storage]\ndata_shards = \"6\"\n"),
            "cairn.toml:2:15: storage.data_shards: expected an integer");
  EXPECT_EQ(Error("[storage]\nblock_size = 1.5e6\n"),
            "cairn.toml:2:14: storage.block_size: expected an integer");
  EXPECT_EQ(Error("[server]\nvirtual_host_domains = \"localhost\"\n"),
            "cairn.toml:2:24: server.virtual_host_domains: expected an array of strings");
  // The element at fault is named, not the array.
  EXPECT_EQ(Error("[server]\nplugin_dirs = [\"a\", 1]\n"),
            "cairn.toml:2:21: server.plugin_dirs: expected an array of strings");
  EXPECT_EQ(Error("[meta]\nengine = 1\n"), "cairn.toml:2:10: meta.engine: expected a string");
  EXPECT_EQ(Error("[auth]\nengine = [\"sigv4\"]\n"),
            "cairn.toml:2:10: auth.engine: expected a string");
  EXPECT_EQ(Error("server = \"x\"\n"), "cairn.toml:1:10: server: unknown key");
}

TEST(ConfigErrorsTest, OutOfRangeIntegers) {
  EXPECT_EQ(Error("[server]\nmax_threads = 1\n"),
            "cairn.toml:2:15: server.max_threads: must be between 2 and 4096");
  EXPECT_EQ(Error("[server]\nmax_threads = 4097\n"),
            "cairn.toml:2:15: server.max_threads: must be between 2 and 4096");
  EXPECT_EQ(Error("[server]\nmax_queued = 0\n"),
            "cairn.toml:2:14: server.max_queued: must be between 1 and 1048576");
  EXPECT_EQ(Error("[server]\nheader_timeout_seconds = 0\n"),
            "cairn.toml:2:26: server.header_timeout_seconds: must be between 1 and 3600");
  EXPECT_EQ(Error("[storage]\nmax_put_bytes = 6442450944\n"),
            "cairn.toml:2:17: storage.max_put_bytes: must be between 1048576 and 5368709120");
  EXPECT_EQ(Error("[storage]\ndata_shards = 0\n"),
            "cairn.toml:2:15: storage.data_shards: must be between 1 and 64");
  EXPECT_EQ(Error("[storage]\ndata_shards = 65\n"),
            "cairn.toml:2:15: storage.data_shards: must be between 1 and 64");
  EXPECT_EQ(Error("[storage]\nparity_shards = -1\n"),
            "cairn.toml:2:17: storage.parity_shards: must be between 0 and 32");
  EXPECT_EQ(Error("[storage]\nblock_size = 4095\n"),
            "cairn.toml:2:14: storage.block_size: must be between 4096 and 16777216");
  EXPECT_EQ(Error("[storage]\nchunk_size = 1073741825\n"),
            "cairn.toml:2:14: storage.chunk_size: must be between 1048576 and 1073741824");
  EXPECT_EQ(Error("[storage]\nchunk_size = -9223372036854775808\n"),
            "cairn.toml:2:14: storage.chunk_size: must be between 1048576 and 1073741824");
  // 0 would free replaced data under the GETs still reading it.
  EXPECT_EQ(Error("[storage]\nfree_delay_seconds = 0\n"),
            "cairn.toml:2:22: storage.free_delay_seconds: must be between 1 and 1073741824");
}

TEST(ConfigErrorsTest, RefusesAChunkSmallerThanOneStripe) {
  // 6 data shards of 1 MiB blocks make a 6 MiB stripe; a 2 MiB chunk cannot hold one.
  std::string text = "[storage]\ndata_shards = 6\nblock_size = 1048576\nchunk_size = 2097152\n";
  std::string err = Error(text);
  EXPECT_THAT(err, StartsWith("cairn.toml"));
  EXPECT_THAT(err, HasSubstr("storage.chunk_size"));
  EXPECT_THAT(err, HasSubstr("stripe"));
  // Only the defaults of chunk_size and data_shards, but blocks too big for them.
  EXPECT_THAT(Error("[storage]\nblock_size = 16777216\n"), HasSubstr("storage.chunk_size"));
  EXPECT_EQ(Error("[storage]\ndata_shards = 6\nblock_size = 1048576\nchunk_size = 6291456\n"),
            "OK");
}

// Like every other bad value, a chunk_size set in the file that cannot hold one stripe should be
// reported at its line and column.
TEST(ConfigErrorsTest, ChunkSmallerThanOneStripeNamesItsLine) {
  std::string err =
      Error("[storage]\ndata_shards = 6\nblock_size = 1048576\nchunk_size = 2097152\n");
  EXPECT_THAT(err, StartsWith("cairn.toml:4:14: storage.chunk_size: "));
}

TEST(ConfigErrorsTest, MalformedToml) {
  EXPECT_THAT(Error("[server\nlisten = \"x\"\n"), StartsWith("cairn.toml:1:"));
  EXPECT_THAT(Error("[server]\nlisten = \n"), StartsWith("cairn.toml:2:"));
  EXPECT_THAT(Error("[server]\nlisten = \"a\"\nlisten = \"b\"\n"), StartsWith("cairn.toml:3:"));
  EXPECT_THAT(Error("[storage]\n\ncodec = \"isal\n"), StartsWith("cairn.toml:3:"));
  EXPECT_THAT(Error("\xff\xfe = 1\n"), StartsWith("cairn.toml:1:"));
}

TEST(ConfigErrorsTest, BadCredentials) {
  EXPECT_EQ(Error("credentials = \"AK:SK\"\n"),
            "cairn.toml:1:15: credentials: expected [[credentials]] tables");
  EXPECT_EQ(Error("[credentials]\naccess_key = \"a\"\nsecret_key = \"s\"\n"),
            "cairn.toml:1:1: credentials: expected [[credentials]] tables");
  EXPECT_EQ(Error("credentials = [\"a\", \"b\"]\n"),
            "cairn.toml:1:15: credentials: expected [[credentials]] tables");
  // The entry at fault is named, not the first one.
  EXPECT_EQ(Error("[[credentials]]\naccess_key = \"a\"\nsecret_key = \"s\"\n\n"
                  "[[credentials]]\nuser = \"bob\"\n"),
            "cairn.toml:5:1: credentials: access_key and secret_key are required");
  EXPECT_EQ(Error("[[credentials]]\naccess_key = \"a\"\n"),
            "cairn.toml:1:1: credentials: access_key and secret_key are required");
  EXPECT_EQ(Error("[[credentials]]\naccess_key = \"a\"\nsecret_key = 42\n"),
            "cairn.toml:3:14: credentials.secret_key: expected a string");
  EXPECT_EQ(Error("[[credentials]]\naccess_key = \"\"\nsecret_key = \"s\"\n"),
            "cairn.toml:1:1: credentials: access_key and secret_key are required");
}

TEST(ConfigErrorsTest, ErrorsNameThePathGiven) {
  auto c = ParseConfig("[server]\nbogus = 1\n", "/etc/cairn/site.toml");
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "/etc/cairn/site.toml:2:9: server.bogus: unknown key");
}

}  // namespace
}  // namespace cairn
