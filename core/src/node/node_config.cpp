#include "node/node_config.h"

#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include "config/config.h"

namespace cairn {
namespace {

Status Invalid(const NodeConfig& c, const toml::node& n, const std::string& key,
               const std::string& what) {
  return Status::InvalidArgument(ConfigPosition(c.path, n) + ": " + key + ": " + what);
}

Status ReadString(const NodeConfig& c, const toml::node& n, const std::string& key,
                  std::string* out) {
  if (!n.is_string()) return Invalid(c, n, key, "expected a string");
  *out = *n.value<std::string>();
  return Status::Ok();
}

Status ReadInt(const NodeConfig& c, const toml::node& n, const std::string& key, int64_t min,
               int64_t max, int64_t* out) {
  if (!n.is_integer()) return Invalid(c, n, key, "expected an integer");
  const int64_t v = *n.value<int64_t>();
  if (v < min || v > max) {
    return Invalid(c, n, key,
                   "must be between " + std::to_string(min) + " and " + std::to_string(max));
  }
  *out = v;
  return Status::Ok();
}

Status ReadNodeTable(NodeConfig& c, const toml::table& t) {
  for (const auto& [k, n] : t) {
    const std::string name(k.str());
    const std::string key = "node." + name;
    if (name == "listen") {
      CAIRN_RETURN_IF_ERROR(ReadString(c, n, key, &c.listen));
    } else if (name == "name") {
      CAIRN_RETURN_IF_ERROR(ReadString(c, n, key, &c.name));
      if (c.name.size() >= 64) return Invalid(c, n, key, "at most 63 bytes");
    } else if (name == "zone") {
      CAIRN_RETURN_IF_ERROR(ReadString(c, n, key, &c.zone));
      if (c.zone.empty() || c.zone.size() >= 64) return Invalid(c, n, key, "1 to 63 bytes");
    } else if (name == "cluster_secret") {
      CAIRN_RETURN_IF_ERROR(ReadString(c, n, key, &c.cluster_secret));
    } else if (name == "data_dir") {
      CAIRN_RETURN_IF_ERROR(ReadString(c, n, key, &c.data_dir));
    } else if (name == "max_body_bytes") {
      CAIRN_RETURN_IF_ERROR(ReadInt(c, n, key, 1, 1ll << 40, &c.max_body_bytes));
    } else if (name == "max_threads") {
      CAIRN_RETURN_IF_ERROR(ReadInt(c, n, key, 2, 4096, &c.max_threads));
    } else if (name == "max_queued") {
      CAIRN_RETURN_IF_ERROR(ReadInt(c, n, key, 1, 1 << 20, &c.max_queued));
    } else if (name == "timeout_seconds") {
      CAIRN_RETURN_IF_ERROR(ReadInt(c, n, key, 1, 3600, &c.timeout_seconds));
    } else if (name == "plugin_dirs") {
      const toml::array* arr = n.as_array();
      if (arr == nullptr) return Invalid(c, n, key, "expected an array of strings");
      for (const toml::node& e : *arr) {
        if (!e.is_string()) return Invalid(c, e, key, "expected an array of strings");
        c.plugin_dirs.push_back(*e.value<std::string>());
      }
    } else {
      return Invalid(c, n, key, "unknown key");
    }
  }
  return Status::Ok();
}

Status Validate(NodeConfig& c) {
  for (const auto& [k, n] : *c.document) {
    const std::string key(k.str());
    const toml::table* t = n.as_table();
    if (t == nullptr) return Invalid(c, n, key, "unknown key");
    if (key == "node") {
      CAIRN_RETURN_IF_ERROR(ReadNodeTable(c, *t));
    } else if (key == "transport") {
      for (const auto& [sk, sn] : *t) {
        const std::string sub = "transport." + std::string(sk.str());
        if (sk.str() == "engine") {
          CAIRN_RETURN_IF_ERROR(ReadString(c, sn, sub, &c.transport_engine));
        } else if (!sn.is_table()) {
          return Invalid(c, sn, sub,
                         "unknown key (plugin settings go in a [transport.<plugin>] table)");
        }
      }
    } else {
      return Invalid(c, n, key, "unknown section (a node file has [node] and [transport])");
    }
  }
  if (c.document->get("node") == nullptr) {
    return Status::InvalidArgument(c.path + ": a [node] table is required");
  }
  return Status::Ok();
}

}  // namespace

const toml::table* NodeConfig::TransportTable() const {
  if (!document) return nullptr;
  const toml::table* t = (*document)["transport"].as_table();
  return t == nullptr ? nullptr : (*t)[transport_engine].as_table();
}

std::string NodeConfig::ResolvePath(const std::string& p) const {
  return ResolveAgainstConfig(path, p);
}

Result<NodeConfig> ParseNodeConfig(const std::string& text, const std::string& path) {
  NodeConfig c;
  c.path = path;
  auto doc = ParseTomlDocument(text, path);
  if (!doc.ok()) return doc.status();
  c.document = std::move(doc.value());
  CAIRN_RETURN_IF_ERROR(Validate(c));
  return c;
}

Result<NodeConfig> LoadNodeConfig(const std::string& path) {
  auto text = ReadConfigFile(path);
  if (!text.ok()) return text.status();
  return ParseNodeConfig(text.value(), path);
}

Status CheckNodeConfig(NodeConfig& c) {
  if (c.cluster_secret.empty()) {
    return Status::InvalidArgument(c.path +
                                   ": node.cluster_secret is required (or CAIRN_CLUSTER_SECRET)");
  }
  if (c.name.empty()) {
    char host[256] = {};
    if (gethostname(host, sizeof(host) - 1) != 0 || host[0] == '\0') {
      return Status::InvalidArgument(c.path + ": node.name is required (no host name)");
    }
    c.name = std::string(host).substr(0, 63);
  }
  return Status::Ok();
}

}  // namespace cairn
