// The server configuration: conf/cairn.toml parsed with toml++ and validated. An unknown key,
// a wrong type or a bad value is an error naming the file, line and key. Plugin sub-tables
// ([meta.sqlite], [transport.local], ...) are kept as TOML and validated by the plugin loader
// against the keys each plugin declares.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn {

struct ServerConfig {
  std::string listen = "127.0.0.1:9000";
  std::string data_dir = "./data";  // relative to the working directory, like CAIRN_DATA
  std::string region = "us-east-1";
  // Host names under which "<bucket>.<domain>" addresses a bucket (virtual-hosted style).
  std::vector<std::string> virtual_host_domains;
  std::vector<std::string> plugin_dirs;  // searched in addition to <binary dir>/plugins
  int64_t max_threads = 64;   // workers serving requests
  // Requests with a complete head waiting for a worker: a queued request costs only its
  // connection, so the queue is long; past it the answer is 503 SlowDown.
  int64_t max_queued = 4096;
  // The connection layer (core/src/http/http_server.h): idle and slow clients hold no worker.
  int64_t max_connections = 16384;
  int64_t max_connections_per_client = 1024;
  int64_t header_timeout_seconds = 10;  // for a request head to arrive completely
  int64_t idle_timeout_seconds = 15;    // a kept-alive connection with no request is closed
  int64_t body_timeout_seconds = 60;    // the longest wait for a client to send or take bytes
};

// How objects of one storage class are erasure-coded.
struct StorageClassConfig {
  std::string codec = "isal";
  int64_t data_shards = 6;
  int64_t parity_shards = 3;
  int64_t write_quorum = 0;  // shards that must be durable for a PUT to succeed; 0 = k+1
  // The quorum actually required, capped at k+m.
  int64_t Quorum() const {
    int64_t q = write_quorum > 0 ? write_quorum : data_shards + 1;
    return q > data_shards + parity_shards ? data_shards + parity_shards : q;
  }
};

struct StorageConfig {
  std::string codec = "isal";
  int64_t data_shards = 6;
  int64_t parity_shards = 3;
  int64_t block_size = 1 << 20;        // bytes per shard block (the unit of checksums)
  int64_t chunk_size = 64ll << 20;     // object bytes per chunk (one shard file per drive)
  std::string placement_policy = "../scripts/lua/placement.lua";  // relative to the config file
  int64_t write_quorum = 0;  // for STANDARD; 0 = k+1
  // Objects up to this size live inline in their metadata record instead of in nine shard
  // files: one metadata transaction instead of nine fsynced files (0 disables).
  int64_t inline_max_bytes = 16384;
  // The largest PutObject or UploadPart body: S3's 5 GiB, or less. Enforced on the bytes as
  // they arrive, so a chunked body with no declared length cannot exceed it either.
  int64_t max_put_bytes = 5ll << 30;
  // Storage classes by name. STANDARD comes from codec/data_shards/parity_shards/write_quorum
  // above unless [storage.classes.STANDARD] overrides it.
  std::map<std::string, StorageClassConfig> classes;
  // Scrubbing: verify every shard block, rebuild what is missing or corrupt, remove orphans.
  int64_t scrub_interval_seconds = 7 * 86400;  // 0: only on demand (cairn admin scrub)
  int64_t scrub_bytes_per_second = 64ll << 20;  // read rate limit; 0: unlimited
  int64_t orphan_grace_seconds = 3600;  // unreferenced shards younger than this are kept
  int64_t repair_interval_seconds = 10;  // how often the repair queue is drained
  // The shards of an object version that an overwrite or delete replaced are freed this long
  // after the change (durability/deferred_free.h), so that GETs under way finish; a GET still
  // streaming after half of it holds them with a read lease.
  int64_t free_delay_seconds = 900;
  // A GET of a whole stripe reads parity too when a data block is this late (0: never).
  int64_t hedge_after_ms = 100;
  // Rebalancing (clusters): moving shards to where placement puts them after nodes join,
  // drain or change weight.
  int64_t rebalance_bytes_per_second = 32ll << 20;  // copy rate limit; 0: unlimited
  int64_t rebalance_interval_seconds = 3600;  // a pass at least this often (changes start one)
  int64_t rebalance_release_seconds = 300;  // a moved shard's old copy stays this long for reads
  // Multipart uploads older than this are aborted by scrub passes, freeing their parts
  // (S3's AbortIncompleteMultipartUpload, server-wide). 0: never.
  int64_t multipart_expiry_seconds = 7 * 86400;
};

struct StaticCredential {
  std::string access_key;
  std::string secret_key;
  std::string user;
};

// [lua]: the sandbox limits of every Lua policy call (docs/lua-policy.md, "Limits").
struct LuaConfig {
  int64_t memory_bytes = 16ll << 20;               // per Lua state
  int64_t instructions_per_call = 10'000'000;
  int64_t allocation_bytes_per_call = 256ll << 20;  // allocated per call, freed or not
  int64_t milliseconds_per_call = 1000;             // wall-clock time per call
};

// [lifecycle]: the lifecycle worker (docs/configuration.md, docs/lua-policy.md "Lifecycle").
struct LifecycleConfig {
  std::string script = "../scripts/lua/lifecycle.lua";  // relative to the config file
  // Per-bucket scripts ([lifecycle.buckets] name = "path"): such a bucket's objects are
  // evaluated by its own script, rules or not.
  std::map<std::string, std::string> bucket_scripts;
  // The length of a lifecycle "day": 86400, or less in tests (as RGW's rgw_lc_debug_interval).
  int64_t seconds_per_day = 86400;
  int64_t interval_seconds = 60;       // how often a pass runs; 0: only `cairn admin lifecycle run`
  int64_t actions_per_second = 200;    // keys evaluated per second by a pass; 0: unlimited
  int64_t transition_bytes_per_second = 64ll << 20;  // re-encoding rate; 0: unlimited
};

struct Config {
  std::string path;  // the file it was read from
  ServerConfig server;
  StorageConfig storage;
  LuaConfig lua;
  LifecycleConfig lifecycle;
  std::string meta_engine = "sqlite";
  std::string transport_engine = "local";
  std::string auth_engine = "sigv4";
  std::vector<StaticCredential> credentials;
  // The parsed document, kept so plugin sub-tables stay alive and carry source positions.
  std::shared_ptr<toml::table> document;

  // The sub-table [category.name], or null when absent.
  const toml::table* PluginTable(const std::string& category, const std::string& name) const;
  // A path from the config resolved against the config file's directory.
  std::string ResolvePath(const std::string& path) const;
};

Result<Config> LoadConfig(const std::string& path);
// Parses TOML text (for tests); `path` only names the source in errors.
Result<Config> ParseConfig(const std::string& text, const std::string& path);

// Parses a TOML document; a syntax error names the file, line and column.
Result<std::shared_ptr<toml::table>> ParseTomlDocument(const std::string& text,
                                                       const std::string& path);
// The whole text of a configuration file (NotFound names it).
Result<std::string> ReadConfigFile(const std::string& path);
// `p` resolved against the directory of the configuration file `config_path`.
std::string ResolveAgainstConfig(const std::string& config_path, const std::string& p);

// "file:line:col" for a node, used in every configuration error.
std::string ConfigPosition(const std::string& path, const toml::node& node);

}  // namespace cairn
