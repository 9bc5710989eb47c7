#include "http_transport.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <algorithm>
#include <filesystem>
#include <sstream>

#include "http_shard_writer.h"
#include "node_protocol/cluster_protocol.h"
#include "shard_name.h"

namespace cairn::transport {
namespace {

using Poco::Net::HTTPResponse;

std::string ShardTarget(const ShardRef& ref) {
  return "/shards/" + cluster::PercentEncode(ref.drive_id, false) + "/" +
         cluster::PercentEncode(ref.shard, true);
}

// Reads exactly Content-Length bytes of a response into a string; IOError when cut.
Result<std::string> ReadBody(const HTTPResponse& response, std::istream& in, uint64_t limit) {
  if (!response.hasContentLength()) return Status::Internal("node response without a length");
  const uint64_t length = static_cast<uint64_t>(response.getContentLength64());
  if (length > limit) return Status::Internal("node response too large");
  std::string body(length, '\0');
  in.read(body.data(), static_cast<std::streamsize>(length));
  if (static_cast<uint64_t>(in.gcount()) != length) return Status::IOError("response cut short");
  return body;
}

Status ExpectStatus(const HTTPResponse& response, HTTPResponse::HTTPStatus want) {
  if (response.getStatus() == want) return Status::Ok();
  return Status::Internal("unexpected HTTP " + std::to_string(response.getStatus()) + " from node");
}

bool ParseUint(const std::string& s, uint64_t* out) {
  if (s.empty()) return false;
  try {
    size_t used = 0;
    *out = std::stoull(s, &used);
    return used == s.size() && s[0] != '-';
  } catch (const std::exception&) {
    return false;
  }
}

Status ParseListing(const std::string& body, std::vector<ShardStat>* out) {
  std::istringstream lines(body);
  std::string line;
  while (std::getline(lines, line)) {
    std::istringstream fields(line);
    ShardStat s;
    if (!(fields >> s.size >> s.mtime_unix >> s.shard)) {
      return Status::Internal("malformed listing line from node");
    }
    out->push_back(std::move(s));
  }
  return Status::Ok();
}

}  // namespace

Result<std::unique_ptr<HttpTransport>> HttpTransport::Create(const sdk::PluginContext& context) {
  HttpTransportOptions o;
  o.nodes = context.GetStringArray("nodes");
  o.cluster_secret = context.GetString("cluster_secret").value_or("");
  o.timeout_ms = context.GetInt("timeout_ms").value_or(o.timeout_ms);
  o.connect_timeout_ms = context.GetInt("connect_timeout_ms").value_or(o.connect_timeout_ms);
  o.retries = context.GetInt("retries").value_or(o.retries);
  o.breaker_failures = context.GetInt("breaker_failures").value_or(o.breaker_failures);
  o.breaker_open_ms = context.GetInt("breaker_open_ms").value_or(o.breaker_open_ms);
  o.drives_cache_ms = context.GetInt("drives_cache_ms").value_or(o.drives_cache_ms);
  o.spool_memory_bytes = context.GetInt("spool_memory_bytes").value_or(o.spool_memory_bytes);
  std::filesystem::path spool = context.GetString("spool_dir").value_or("spool/transport-http");
  if (spool.is_relative()) spool = std::filesystem::path(context.DataDir()) / spool;
  o.spool_dir = spool.lexically_normal().string();
  auto t = Open(std::move(o));
  if (t.ok()) {
    context.Log(CAIRN_LOG_INFO, std::to_string(t.value()->nodes_.size()) + " seed storage nodes");
  }
  return t;
}

Result<std::unique_ptr<HttpTransport>> HttpTransport::Open(HttpTransportOptions o) {
  auto in_range = [](int64_t v, int64_t lo, int64_t hi) { return v >= lo && v <= hi; };
  if (o.nodes.empty()) return Status::InvalidArgument("transport.http: nodes is empty");
  if (o.cluster_secret.empty()) {
    return Status::InvalidArgument("transport.http: cluster_secret is required");
  }
  if (!in_range(o.timeout_ms, 1, 3'600'000) || !in_range(o.connect_timeout_ms, 1, 600'000) ||
      !in_range(o.retries, 0, 10) || !in_range(o.breaker_failures, 1, 1000) ||
      !in_range(o.breaker_open_ms, 1, 3'600'000) || !in_range(o.drives_cache_ms, 0, 3'600'000) ||
      !in_range(o.spool_memory_bytes, 0, 1ll << 30)) {
    return Status::InvalidArgument(
        "transport.http: out of range: timeout_ms 1..3600000, connect_timeout_ms 1..600000, "
        "retries 0..10, breaker_failures 1..1000, breaker_open_ms 1..3600000, drives_cache_ms "
        "0..3600000, spool_memory_bytes 0..1073741824");
  }
  std::error_code ec;
  std::filesystem::create_directories(o.spool_dir, ec);
  if (ec) {
    return Status::IOError("transport.http: cannot create spool_dir " + o.spool_dir + ": " +
                           ec.message());
  }
  std::unique_ptr<HttpTransport> t(new HttpTransport(o));
  CAIRN_RETURN_IF_ERROR(t->SetNodes(o.nodes));
  return t;
}

Result<std::shared_ptr<NodeClient>> HttpTransport::NewClient(const std::string& url,
                                                             int retries) const {
  NodeClientOptions n;
  n.url = url;
  n.cluster_secret = options_.cluster_secret;
  n.timeout = std::chrono::milliseconds(options_.timeout_ms);
  n.connect_timeout = std::chrono::milliseconds(options_.connect_timeout_ms);
  n.retries = retries;
  n.breaker.failures = static_cast<int>(options_.breaker_failures);
  n.breaker.open_for = std::chrono::milliseconds(options_.breaker_open_ms);
  auto client = NodeClient::Create(std::move(n));
  if (!client.ok()) return client.status();
  return std::shared_ptr<NodeClient>(std::move(client.value()));
}

Status HttpTransport::SetNodes(const std::vector<std::string>& urls) {
  if (urls.empty()) return Status::InvalidArgument("transport.http: the node list is empty");
  // Every URL is checked before anything changes; known nodes keep their client (its pool and
  // breaker) and their last drive report.
  std::vector<NodeEntry> next;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& url : urls) {
      auto same = std::find_if(nodes_.begin(), nodes_.end(),
                               [&](const NodeEntry& e) { return e.client->url() == url; });
      if (same != nodes_.end()) {
        next.push_back(*same);
        continue;
      }
      NodeEntry entry;
      auto client = NewClient(url, static_cast<int>(options_.retries));
      if (!client.ok()) return client.status();
      entry.client = std::move(client.value());
      next.push_back(std::move(entry));
    }
    nodes_ = std::move(next);
    IndexDrives();
  }
  return Status::Ok();
}

void HttpTransport::IndexDrives() {
  node_of_drive_.clear();
  for (const auto& e : nodes_) {
    for (const auto& d : e.drives) node_of_drive_[d.id] = e.client;
  }
}

Status HttpTransport::Nodes(std::vector<NodeInfo>* out) {
  Refresh();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : nodes_) {
    NodeInfo n;
    n.url = e.client->url();
    if (!e.drives.empty()) n.name = e.drives.front().node;
    n.reachable = e.answered && e.client->Healthy();
    out->push_back(std::move(n));
  }
  return Status::Ok();
}

Status HttpTransport::ProbeNode(const std::string& url, std::vector<DriveInfo>* out) {
  // A fresh client, without retries: the answer is for an operator who is waiting.
  auto client = NewClient(url, 0);
  if (!client.ok()) return client.status();
  auto drives = FetchDrives(*client.value());
  if (!drives.ok()) {
    return Status::Unavailable("node " + url + " did not answer: " + drives.status().message());
  }
  *out = std::move(drives.value());
  return Status::Ok();
}

Result<std::vector<DriveInfo>> HttpTransport::FetchDrives(NodeClient& client) {
  std::vector<DriveInfo> drives;
  Status st = client.Call({"GET", "/drives", "", nullptr},
                          [&](const HTTPResponse& response, std::istream& in) -> Status {
                            auto body = ReadBody(response, in, 16 << 20);
                            if (!body.ok()) return body.status();
                            CAIRN_RETURN_IF_ERROR(ExpectStatus(response, HTTPResponse::HTTP_OK));
                            try {
                              Poco::JSON::Parser parser;
                              auto array =
                                  parser.parse(body.value()).extract<Poco::JSON::Array::Ptr>();
                              for (size_t i = 0; i < array->size(); ++i) {
                                auto o = array->getObject(static_cast<unsigned>(i));
                                if (!o) return Status::Internal("malformed drive in /drives");
                                DriveInfo d;
                                d.id = o->getValue<std::string>("id");
                                d.node = o->getValue<std::string>("node");
                                d.zone = o->getValue<std::string>("zone");
                                d.path = o->getValue<std::string>("path");
                                d.healthy = o->getValue<bool>("healthy");
                                d.total_bytes = o->getValue<Poco::UInt64>("total");
                                d.free_bytes = o->getValue<Poco::UInt64>("free");
                                drives.push_back(std::move(d));
                              }
                            } catch (const Poco::Exception& e) {
                              return Status::Internal("malformed /drives from " + client.url() +
                                                      ": " + e.displayText());
                            }
                            return Status::Ok();
                          });
  if (!st.ok()) return st;
  return drives;
}

void HttpTransport::Refresh() {
  const auto max_age = std::chrono::milliseconds(options_.drives_cache_ms);
  std::vector<std::shared_ptr<NodeClient>> stale;
  {
    std::lock_guard<std::mutex> lock(mu_);
    for (const auto& e : nodes_) {
      if (!e.fetched || Clock::now() - e.fetched_at >= max_age) stale.push_back(e.client);
    }
  }
  for (const auto& client : stale) {
    // Outside the lock: one slow node must not hold up callers that need another.
    auto drives = FetchDrives(*client);
    std::lock_guard<std::mutex> lock(mu_);
    auto e = std::find_if(nodes_.begin(), nodes_.end(),
                          [&](const NodeEntry& n) { return n.client == client; });
    if (e == nodes_.end()) continue;  // removed by SetNodes meanwhile
    e->fetched = true;
    e->fetched_at = Clock::now();
    e->answered = drives.ok();
    if (!drives.ok()) {
      for (auto& d : e->drives) d.healthy = false;  // seen before, unreachable now
      continue;
    }
    e->drives = std::move(drives.value());
    IndexDrives();
  }
}

Status HttpTransport::Drives(std::vector<DriveInfo>* out) {
  Refresh();
  std::lock_guard<std::mutex> lock(mu_);
  for (const auto& e : nodes_) {
    const bool reachable = e.client->Healthy();
    for (DriveInfo d : e.drives) {
      d.healthy = d.healthy && reachable;
      out->push_back(std::move(d));
    }
  }
  return Status::Ok();
}

Result<HttpTransport::DriveRoute> HttpTransport::Route(const std::string& drive_id) {
  for (int pass = 0; pass < 2; ++pass) {
    if (pass == 1) Refresh();  // a drive or node that appeared since the last report
    std::lock_guard<std::mutex> lock(mu_);
    auto it = node_of_drive_.find(drive_id);
    if (it == node_of_drive_.end()) continue;
    DriveRoute route{it->second, false};
    for (const auto& e : nodes_) {
      if (e.client != it->second) continue;
      for (const auto& d : e.drives) {
        if (d.id == drive_id) route.healthy = d.healthy;
      }
    }
    return route;
  }
  return Status::NotFound("no storage node reports drive '" + drive_id.substr(0, 64) + "'");
}

Result<HttpTransport::DriveRoute> HttpTransport::RouteShard(const ShardRef& ref) {
  // The names the nodes' local drives accept; checked here too so that no name can turn into
  // another route (an empty name would address the drive's listing).
  CAIRN_RETURN_IF_ERROR(ValidateShardName(ref.shard));
  return Route(ref.drive_id);
}

Result<std::unique_ptr<ShardWriter>> HttpTransport::OpenWriter(const ShardRef& ref) {
  auto route = RouteShard(ref);
  if (!route.ok()) return route.status();
  if (!route->client->Healthy()) {
    return Status::Unavailable("node " + route->client->url() + " is not reachable");
  }
  if (!route->healthy) return Status::Unavailable("drive " + ref.drive_id + " is unhealthy");
  auto spool = std::make_unique<ShardSpool>(options_.spool_dir,
                                            static_cast<size_t>(options_.spool_memory_bytes));
  return std::unique_ptr<ShardWriter>(
      new HttpShardWriter(route->client, ShardTarget(ref), std::move(spool)));
}

Result<uint64_t> HttpTransport::Read(const ShardRef& ref, uint64_t offset, uint8_t* out,
                                     uint64_t size) {
  auto route = RouteShard(ref);
  if (!route.ok()) return route.status();
  if (size == 0) {
    auto stat = Stat(ref);  // still NotFound for a missing shard
    if (!stat.ok()) return stat.status();
    return uint64_t{0};
  }
  const uint64_t last = size - 1 > UINT64_MAX - offset ? UINT64_MAX : offset + size - 1;
  uint64_t got = 0;
  NodeCall call{"GET", ShardTarget(ref),
                "bytes=" + std::to_string(offset) + "-" + std::to_string(last), nullptr};
  Status st = route->client->Call(call, [&](const HTTPResponse& response, std::istream& in) {
    got = 0;
    if (response.getStatus() == HTTPResponse::HTTP_REQUESTED_RANGE_NOT_SATISFIABLE) {
      return ReadBody(response, in, 1 << 16).status();  // past the end: nothing to read
    }
    CAIRN_RETURN_IF_ERROR(ExpectStatus(response, HTTPResponse::HTTP_PARTIAL_CONTENT));
    if (!response.hasContentLength()) return Status::Internal("node response without a length");
    const uint64_t length = static_cast<uint64_t>(response.getContentLength64());
    if (length > size) return Status::Internal("node sent more than the range asked");
    in.read(reinterpret_cast<char*>(out), static_cast<std::streamsize>(length));
    if (static_cast<uint64_t>(in.gcount()) != length) return Status::IOError("read cut short");
    got = length;
    return Status::Ok();
  });
  if (!st.ok()) return st;
  return got;
}

Status HttpTransport::Remove(const ShardRef& ref) {
  auto route = RouteShard(ref);
  if (!route.ok()) return route.status();
  return route->client->Call({"DELETE", ShardTarget(ref), "", nullptr},
                             [](const HTTPResponse& response, std::istream&) {
                               return ExpectStatus(response, HTTPResponse::HTTP_NO_CONTENT);
                             });
}

Status HttpTransport::List(const ShardRef& prefix, std::vector<ShardStat>* out) {
  CAIRN_RETURN_IF_ERROR(ValidateShardPrefix(prefix.shard));
  auto route = Route(prefix.drive_id);
  if (!route.ok()) return route.status();
  const std::string target = "/shards/" + cluster::PercentEncode(prefix.drive_id, false) +
                             "/?prefix=" + cluster::PercentEncode(prefix.shard, false);
  std::vector<ShardStat> listed;
  Status st = route->client->Call(
      {"GET", target, "", nullptr}, [&](const HTTPResponse& response, std::istream& in) -> Status {
        listed.clear();
        auto body = ReadBody(response, in, 1ull << 32);
        if (!body.ok()) return body.status();
        CAIRN_RETURN_IF_ERROR(ExpectStatus(response, HTTPResponse::HTTP_OK));
        return ParseListing(body.value(), &listed);
      });
  if (!st.ok()) return st;
  out->insert(out->end(), std::make_move_iterator(listed.begin()),
              std::make_move_iterator(listed.end()));
  return Status::Ok();
}

Result<ShardStat> HttpTransport::Stat(const ShardRef& ref) {
  auto route = RouteShard(ref);
  if (!route.ok()) return route.status();
  ShardStat stat;
  Status st =
      route->client->Call({"HEAD", ShardTarget(ref), "", nullptr},
                          [&](const HTTPResponse& response, std::istream&) -> Status {
                            CAIRN_RETURN_IF_ERROR(ExpectStatus(response, HTTPResponse::HTTP_OK));
                            uint64_t mtime = 0;
                            if (!ParseUint(response.get(cluster::kSizeHeader, ""), &stat.size) ||
                                !ParseUint(response.get(cluster::kMtimeHeader, ""), &mtime)) {
                              return Status::Internal("node HEAD without size or mtime");
                            }
                            stat.shard = ref.shard;
                            stat.mtime_unix = static_cast<int64_t>(mtime);
                            return Status::Ok();
                          });
  if (!st.ok()) return st;
  return stat;
}

}  // namespace cairn::transport
