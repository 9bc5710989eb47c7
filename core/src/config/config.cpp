#include "config/config.h"

#include <filesystem>
#include <functional>
#include <map>
#include <regex>
#include <fstream>
#include <sstream>

namespace cairn {
namespace {

std::string Where(const Config& c, const toml::node& n) { return ConfigPosition(c.path, n); }

Status Invalid(const Config& c, const toml::node& n, const std::string& key,
               const std::string& what) {
  return Status::InvalidArgument(Where(c, n) + ": " + key + ": " + what);
}

// One known key of a fixed table: a reader that checks the type and stores the value.
using KeyReader = std::function<Status(const toml::node&, const std::string& key)>;

KeyReader String(const Config& c, std::string* out) {
  return [&c, out](const toml::node& n, const std::string& key) -> Status {
    if (!n.is_string()) return Invalid(c, n, key, "expected a string");
    *out = *n.value<std::string>();
    return Status::Ok();
  };
}

KeyReader Int(const Config& c, int64_t* out, int64_t min, int64_t max) {
  return [&c, out, min, max](const toml::node& n, const std::string& key) -> Status {
    if (!n.is_integer()) return Invalid(c, n, key, "expected an integer");
    int64_t v = *n.value<int64_t>();
    if (v < min || v > max) {
      return Invalid(c, n, key,
                     "must be between " + std::to_string(min) + " and " + std::to_string(max));
    }
    *out = v;
    return Status::Ok();
  };
}

KeyReader StringArray(const Config& c, std::vector<std::string>* out) {
  return [&c, out](const toml::node& n, const std::string& key) -> Status {
    const toml::array* arr = n.as_array();
    if (arr == nullptr) return Invalid(c, n, key, "expected an array of strings");
    out->clear();
    for (const toml::node& e : *arr) {
      if (!e.is_string()) return Invalid(c, e, key, "expected an array of strings");
      out->push_back(*e.value<std::string>());
    }
    return Status::Ok();
  };
}

Status ReadTable(const Config& c, const toml::table& table, const std::string& prefix,
                 const std::map<std::string, KeyReader>& readers);

// [storage.classes.<NAME>] tables.
KeyReader StorageClasses(const Config& c, std::map<std::string, StorageClassConfig>* out) {
  return [&c, out](const toml::node& n, const std::string& key) -> Status {
    const toml::table* t = n.as_table();
    if (t == nullptr) return Invalid(c, n, key, "expected [storage.classes.<NAME>] tables");
    for (const auto& [name, sub] : *t) {
      std::string k = key + "." + std::string(name.str());
      if (!sub.is_table()) return Invalid(c, sub, k, "expected a table");
      static const std::regex kName("^[A-Z][A-Z0-9_]{0,63}$");
      if (!std::regex_match(std::string(name.str()), kName)) {
        return Invalid(c, sub, k, "storage class names are upper case, like STANDARD or COLD");
      }
      StorageClassConfig sc;
      CAIRN_RETURN_IF_ERROR(ReadTable(c, *sub.as_table(), k + ".",
                                      {{"codec", String(c, &sc.codec)},
                                       {"data_shards", Int(c, &sc.data_shards, 1, 64)},
                                       {"parity_shards", Int(c, &sc.parity_shards, 0, 32)},
                                       {"write_quorum", Int(c, &sc.write_quorum, 0, 96)}}));
      if (sc.write_quorum > sc.data_shards + sc.parity_shards ||
          (sc.write_quorum > 0 && sc.write_quorum < sc.data_shards)) {
        return Invalid(c, sub, k + ".write_quorum", "must be between data_shards and "
                                                      "data_shards + parity_shards");
      }
      (*out)[std::string(name.str())] = sc;
    }
    return Status::Ok();
  };
}

// [lifecycle.buckets]: bucket name = script path.
KeyReader BucketScripts(const Config& c, std::map<std::string, std::string>* out) {
  return [&c, out](const toml::node& n, const std::string& key) -> Status {
    const toml::table* t = n.as_table();
    if (t == nullptr) return Invalid(c, n, key, "expected a [lifecycle.buckets] table");
    for (const auto& [name, sub] : *t) {
      std::string path;
      CAIRN_RETURN_IF_ERROR(String(c, &path)(sub, key + "." + std::string(name.str())));
      (*out)[std::string(name.str())] = path;
    }
    return Status::Ok();
  };
}

Status ReadTable(const Config& c, const toml::table& table, const std::string& prefix,
                 const std::map<std::string, KeyReader>& readers) {
  for (const auto& [k, node] : table) {
    std::string key = prefix + std::string(k.str());
    auto it = readers.find(std::string(k.str()));
    if (it == readers.end()) return Invalid(c, node, key, "unknown key");
    CAIRN_RETURN_IF_ERROR(it->second(node, key));
  }
  return Status::Ok();
}

// [meta], [transport], [auth]: `engine` plus one sub-table per plugin.
Status ReadEngineTable(const Config& c, const toml::table& table, const std::string& category,
                       std::string* engine) {
  for (const auto& [k, node] : table) {
    std::string key = category + "." + std::string(k.str());
    if (k.str() == "engine") {
      CAIRN_RETURN_IF_ERROR(String(c, engine)(node, key));
    } else if (!node.is_table()) {
      return Invalid(c, node, key,
                     "unknown key (plugin settings go in a [" + category + ".<plugin>] table)");
    }
  }
  return Status::Ok();
}

Status ReadCredentials(Config& c, const toml::node& node) {
  const toml::array* arr = node.as_array();
  if (arr == nullptr || !arr->is_array_of_tables()) {
    return Invalid(c, node, "credentials", "expected [[credentials]] tables");
  }
  for (const toml::node& e : *arr) {
    StaticCredential cred;
    CAIRN_RETURN_IF_ERROR(ReadTable(c, *e.as_table(), "credentials.",
                                    {{"access_key", String(c, &cred.access_key)},
                                     {"secret_key", String(c, &cred.secret_key)},
                                     {"user", String(c, &cred.user)}}));
    if (cred.access_key.empty() || cred.secret_key.empty()) {
      return Invalid(c, e, "credentials", "access_key and secret_key are required");
    }
    if (cred.user.empty()) cred.user = cred.access_key;
    c.credentials.push_back(std::move(cred));
  }
  return Status::Ok();
}

Status Validate(Config& c) {
  const toml::table& root = *c.document;
  ServerConfig& s = c.server;
  StorageConfig& st = c.storage;
  for (const auto& [k, node] : root) {
    std::string key(k.str());
    if (key == "credentials") {
      CAIRN_RETURN_IF_ERROR(ReadCredentials(c, node));
      continue;
    }
    const toml::table* t = node.as_table();
    if (t == nullptr) return Invalid(c, node, key, "unknown key");
    if (key == "server") {
      CAIRN_RETURN_IF_ERROR(ReadTable(
          c, *t, "server.",
          {{"listen", String(c, &s.listen)},
           {"data_dir", String(c, &s.data_dir)},
           {"region", String(c, &s.region)},
           {"virtual_host_domains", StringArray(c, &s.virtual_host_domains)},
           {"plugin_dirs", StringArray(c, &s.plugin_dirs)},
           {"max_threads", Int(c, &s.max_threads, 2, 4096)},
           {"max_queued", Int(c, &s.max_queued, 1, 1 << 20)},
           {"max_connections", Int(c, &s.max_connections, 16, 1 << 24)},
           {"max_connections_per_client", Int(c, &s.max_connections_per_client, 1, 1 << 24)},
           {"header_timeout_seconds", Int(c, &s.header_timeout_seconds, 1, 3600)},
           {"idle_timeout_seconds", Int(c, &s.idle_timeout_seconds, 1, 3600)},
           {"body_timeout_seconds", Int(c, &s.body_timeout_seconds, 1, 3600)}}));
    } else if (key == "storage") {
      CAIRN_RETURN_IF_ERROR(ReadTable(
          c, *t, "storage.",
          {{"codec", String(c, &st.codec)},
           {"data_shards", Int(c, &st.data_shards, 1, 64)},
           {"parity_shards", Int(c, &st.parity_shards, 0, 32)},
           {"block_size", Int(c, &st.block_size, 4096, 16 << 20)},
           {"chunk_size", Int(c, &st.chunk_size, 1 << 20, 1ll << 30)},
           {"placement_policy", String(c, &st.placement_policy)},
           {"write_quorum", Int(c, &st.write_quorum, 0, 96)},
           {"inline_max_bytes", Int(c, &st.inline_max_bytes, 0, 1 << 20)},
           {"max_put_bytes", Int(c, &st.max_put_bytes, 1 << 20, 5ll << 30)},
           {"scrub_interval_seconds", Int(c, &st.scrub_interval_seconds, 0, 1ll << 40)},
           {"scrub_bytes_per_second", Int(c, &st.scrub_bytes_per_second, 0, 1ll << 40)},
           {"orphan_grace_seconds", Int(c, &st.orphan_grace_seconds, 0, 1ll << 40)},
           {"repair_interval_seconds", Int(c, &st.repair_interval_seconds, 1, 1ll << 30)},
           {"free_delay_seconds", Int(c, &st.free_delay_seconds, 1, 1ll << 30)},
           {"hedge_after_ms", Int(c, &st.hedge_after_ms, 0, 60'000)},
           {"rebalance_bytes_per_second", Int(c, &st.rebalance_bytes_per_second, 0, 1ll << 40)},
           {"rebalance_interval_seconds", Int(c, &st.rebalance_interval_seconds, 1, 1ll << 30)},
           {"rebalance_release_seconds", Int(c, &st.rebalance_release_seconds, 0, 1ll << 30)},
           {"multipart_expiry_seconds", Int(c, &st.multipart_expiry_seconds, 0, 1ll << 40)},
           {"classes", StorageClasses(c, &st.classes)}}));
    } else if (key == "lua") {
      LuaConfig& l = c.lua;
      CAIRN_RETURN_IF_ERROR(ReadTable(
          c, *t, "lua.",
          {{"memory_bytes", Int(c, &l.memory_bytes, 1 << 20, 1ll << 32)},
           {"instructions_per_call", Int(c, &l.instructions_per_call, 1000, 1ll << 40)},
           {"allocation_bytes_per_call", Int(c, &l.allocation_bytes_per_call, 1 << 20, 1ll << 40)},
           {"milliseconds_per_call", Int(c, &l.milliseconds_per_call, 1, 3'600'000)}}));
    } else if (key == "lifecycle") {
      LifecycleConfig& lc = c.lifecycle;
      CAIRN_RETURN_IF_ERROR(ReadTable(
          c, *t, "lifecycle.",
          {{"script", String(c, &lc.script)},
           {"buckets", BucketScripts(c, &lc.bucket_scripts)},
           {"seconds_per_day", Int(c, &lc.seconds_per_day, 1, 86400)},
           {"interval_seconds", Int(c, &lc.interval_seconds, 0, 1ll << 30)},
           {"actions_per_second", Int(c, &lc.actions_per_second, 0, 1ll << 30)},
           {"transition_bytes_per_second",
            Int(c, &lc.transition_bytes_per_second, 0, 1ll << 40)}}));
    } else if (key == "meta") {
      CAIRN_RETURN_IF_ERROR(ReadEngineTable(c, *t, "meta", &c.meta_engine));
    } else if (key == "transport") {
      CAIRN_RETURN_IF_ERROR(ReadEngineTable(c, *t, "transport", &c.transport_engine));
    } else if (key == "auth") {
      CAIRN_RETURN_IF_ERROR(ReadEngineTable(c, *t, "auth", &c.auth_engine));
    } else if (key == "codec") {
      for (const auto& [name, sub] : *t) {
        if (!sub.is_table()) {
          return Invalid(c, sub, "codec." + std::string(name.str()),
                         "unknown key (codec settings go in a [codec.<plugin>] table)");
        }
      }
    } else {
      return Invalid(c, node, key, "unknown section");
    }
  }
  if (st.write_quorum > st.data_shards + st.parity_shards ||
      (st.write_quorum > 0 && st.write_quorum < st.data_shards)) {
    return Status::InvalidArgument(c.path + ": storage.write_quorum must be between data_shards "
                                   "and data_shards + parity_shards");
  }
  if (st.classes.count("STANDARD") == 0) {
    st.classes["STANDARD"] = {st.codec, st.data_shards, st.parity_shards, st.write_quorum};
  }
  for (const auto& [name, sc] : st.classes) {
    if (st.chunk_size < st.block_size * sc.data_shards) {
      // Point at chunk_size when the file sets it, else at whatever made the stripe larger.
      const toml::node* where = root.at_path("storage.chunk_size").node();
      if (where == nullptr) where = root.at_path("storage.block_size").node();
      if (where == nullptr) where = root.at_path("storage").node();
      std::string what = "must hold at least one stripe of class " + name +
                         " (data_shards * block_size = " +
                         std::to_string(st.block_size * sc.data_shards) + " bytes)";
      if (where == nullptr) return Status::InvalidArgument(c.path + ": storage.chunk_size: " + what);
      return Invalid(c, *where, "storage.chunk_size", what);
    }
  }

  return Status::Ok();
}

}  // namespace

std::string ConfigPosition(const std::string& path, const toml::node& node) {
  const auto& src = node.source();
  return path + ":" + std::to_string(src.begin.line) + ":" + std::to_string(src.begin.column);
}

const toml::table* Config::PluginTable(const std::string& category,
                                       const std::string& name) const {
  if (!document) return nullptr;
  const toml::table* cat = (*document)[category].as_table();
  if (cat == nullptr) return nullptr;
  return (*cat)[name].as_table();
}

std::string ResolveAgainstConfig(const std::string& config_path, const std::string& p) {
  std::filesystem::path fp(p);
  if (fp.is_absolute()) return p;
  return (std::filesystem::path(config_path).parent_path() / fp).lexically_normal().string();
}

std::string Config::ResolvePath(const std::string& p) const { return ResolveAgainstConfig(path, p); }

Result<std::shared_ptr<toml::table>> ParseTomlDocument(const std::string& text,
                                                       const std::string& path) {
  try {
    return std::make_shared<toml::table>(toml::parse(text, path));
  } catch (const toml::parse_error& e) {
    const auto& src = e.source();
    return Status::InvalidArgument(path + ":" + std::to_string(src.begin.line) + ":" +
                                   std::to_string(src.begin.column) + ": " +
                                   std::string(e.description()));
  }
}

Result<std::string> ReadConfigFile(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status::NotFound("cannot read configuration file " + path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

Result<Config> ParseConfig(const std::string& text, const std::string& path) {
  Config c;
  c.path = path;
  auto doc = ParseTomlDocument(text, path);
  if (!doc.ok()) return doc.status();
  c.document = std::move(doc.value());
  CAIRN_RETURN_IF_ERROR(Validate(c));
  return c;
}

Result<Config> LoadConfig(const std::string& path) {
  auto text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return ParseConfig(text.value(), path);
}

}  // namespace cairn
