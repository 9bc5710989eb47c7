#include "node/node_target.h"

#include "node_protocol/cluster_protocol.h"

namespace cairn {
namespace {

constexpr std::string_view kShardsPrefix = "/shards/";

// The value of `name` in a query string; empty when absent.
Result<std::string> QueryValue(const std::string& query, const std::string& name) {
  size_t start = 0;
  while (start <= query.size()) {
    size_t amp = query.find('&', start);
    if (amp == std::string::npos) amp = query.size();
    const std::string part = query.substr(start, amp - start);
    const size_t eq = part.find('=');
    if (part.substr(0, eq) == name) {
      auto value = cluster::PercentDecode(eq == std::string::npos ? "" : part.substr(eq + 1));
      if (!value) return Status::InvalidArgument("malformed escape in query");
      return *value;
    }
    start = amp + 1;
  }
  return std::string();
}

}  // namespace

Result<NodeTarget> ParseNodeTarget(const std::string& uri) {
  const size_t q = uri.find('?');
  const std::string path = uri.substr(0, q);
  const std::string query = q == std::string::npos ? "" : uri.substr(q + 1);
  NodeTarget t;
  if (path == "/health") {
    t.kind = NodeTarget::Kind::kHealth;
    return t;
  }
  if (path == "/drives") {
    t.kind = NodeTarget::Kind::kDrives;
    return t;
  }
  if (!path.starts_with(kShardsPrefix)) return Status::NotFound("no such resource: " + path);
  const std::string rest = path.substr(kShardsPrefix.size());
  const size_t slash = rest.find('/');
  if (slash == std::string::npos || slash == 0) {
    return Status::InvalidArgument("expected /shards/<drive>/<shard>");
  }
  auto drive = cluster::PercentDecode(rest.substr(0, slash));
  auto shard = cluster::PercentDecode(rest.substr(slash + 1));
  if (!drive || !shard) return Status::InvalidArgument("malformed escape in path");
  t.drive = std::move(*drive);
  if (shard->empty()) {
    auto prefix = QueryValue(query, "prefix");
    if (!prefix.ok()) return prefix.status();
    t.kind = NodeTarget::Kind::kList;
    t.prefix = std::move(prefix.value());
    return t;
  }
  t.kind = NodeTarget::Kind::kShard;
  t.shard = std::move(*shard);
  return t;
}

}  // namespace cairn
