#include "cluster/cluster_map.h"

#include <algorithm>
#include <map>

#include "meta/keys.h"
#include "util/clock.h"
#include "util/log.h"

namespace cairn {

ClusterMap::ClusterMap(MetaStore& meta, Transport& transport) : meta_(meta), transport_(transport) {
  std::vector<NodeInfo> nodes;
  enabled_ = transport_.Nodes(&nodes).ok();
}

ClusterMap::~ClusterMap() {
  {
    std::lock_guard<std::mutex> lock(mutex_);
    stop_ = true;
  }
  stop_cv_.notify_all();
  if (refresh_.joinable()) refresh_.join();
}

void ClusterMap::StartRefresh(std::chrono::milliseconds every) {
  if (!enabled_) return;
  refresh_ = std::thread([this, every] {
    std::unique_lock<std::mutex> lock(mutex_);
    while (!stop_cv_.wait_for(lock, every, [this] { return stop_; })) {
      lock.unlock();
      Status st = Sync();
      if (!st.ok()) LogWarn("cluster", "cluster map refresh: " + st.ToString());
      lock.lock();
    }
  });
}

void ClusterMap::OnChange(std::function<void()> fn) {
  std::lock_guard<std::mutex> lock(mutex_);
  on_change_ = std::move(fn);
}

Result<std::vector<NodeRecord>> ClusterMap::Load() const {
  std::vector<KeyValue> rows;
  std::string prefix(keys::kNodePrefix);
  CAIRN_RETURN_IF_ERROR(meta_.Scan(prefix, keys::PrefixEnd(prefix), 0, &rows));
  std::vector<NodeRecord> out;
  for (const auto& kv : rows) {
    NodeRecord r;
    Status st = Decode(kv.value, &r);
    if (!st.ok()) return Status::Corruption(kv.key + ": " + st.message());
    out.push_back(std::move(r));
  }
  return out;
}

Status ClusterMap::Seed() {
  std::vector<NodeInfo> nodes;
  CAIRN_RETURN_IF_ERROR(transport_.Nodes(&nodes));
  std::vector<std::string> silent;
  for (const auto& n : nodes) {
    if (n.name.empty()) silent.push_back(n.url);
  }
  if (!silent.empty()) {
    std::string list;
    for (const auto& u : silent) list += (list.empty() ? "" : ", ") + u;
    return Status::Unavailable("the cluster map is created once every configured node has answered; waiting for " + list);
  }
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(transport_.Drives(&drives));
  Txn txn;
  std::set<std::string> names;
  for (const auto& n : nodes) {
    if (!names.insert(n.name).second) {
      return Status::InvalidArgument("two configured nodes call themselves '" + n.name + "'");
    }
    NodeRecord r;
    r.name = n.name;
    r.url = n.url;
    r.added_ms = NowMillis();
    for (const auto& d : drives) {
      if (d.node != n.name) continue;
      r.zone = d.zone;
      r.drives.push_back(d.id);
    }
    txn.Require(keys::Node(r.name), TxnCondition::kNotExists).Put(keys::Node(r.name), Encode(r));
  }
  Status st = meta_.Commit(txn);
  if (st.IsConflict()) return Status::Ok();  // another gateway seeded it first
  if (st.ok()) LogInfo("cluster", "created the cluster map with " + std::to_string(nodes.size()) + " nodes");
  return st;
}

Status ClusterMap::Sync() {
  if (!enabled_) return Status::Ok();
  // One at a time: a slow sync must not apply an older map after a newer one.
  std::lock_guard<std::mutex> serial(sync_mutex_);
  auto nodes = Load();
  if (!nodes.ok()) return nodes.status();
  if (nodes->empty()) {
    CAIRN_RETURN_IF_ERROR(Seed());
    nodes = Load();
    if (!nodes.ok()) return nodes.status();
    if (nodes->empty()) return Status::Ok();
  }
  std::vector<std::string> urls;
  for (const auto& n : nodes.value()) urls.push_back(n.url);
  bool apply;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    nodes_ = nodes.value();
    apply = urls != applied_;
  }
  if (apply) {
    CAIRN_RETURN_IF_ERROR(transport_.SetNodes(urls));
    std::lock_guard<std::mutex> lock(mutex_);
    applied_ = urls;
    ++generation_;
    LogInfo("cluster", "cluster map: " + std::to_string(urls.size()) + " storage nodes");
  }
  return Status::Ok();
}

Status ClusterMap::CheckWeight(double weight) {
  if (weight > 0 && weight <= 1000) return Status::Ok();
  return Status::InvalidArgument("weight must be greater than 0 and at most 1000");
}

Status ClusterMap::Clustered() const {
  if (enabled_) return Status::Ok();
  return Status::InvalidArgument(
      "this gateway stores shards on local drives ([transport] engine = \"local\"); cluster "
      "commands need storage nodes (engine = \"http\")");
}

bool ClusterMap::Resync() {
  if (!enabled_) return false;
  uint64_t before;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t now = NowMillis();
    if (now - last_resync_ms_ < 500) return false;
    last_resync_ms_ = now;
    before = generation_;
  }
  if (!Sync().ok()) return false;
  std::lock_guard<std::mutex> lock(mutex_);
  return generation_ != before;
}

std::vector<NodeRecord> ClusterMap::Nodes() const {
  std::lock_guard<std::mutex> lock(mutex_);
  return nodes_;
}

Result<NodeRecord> ClusterMap::Find(const std::string& name) const {
  std::string value;
  Status st = meta_.Get(keys::Node(name), &value);
  if (st.IsNotFound()) return Status::NotFound("no node named '" + name + "' in the cluster map");
  CAIRN_RETURN_IF_ERROR(st);
  NodeRecord r;
  CAIRN_RETURN_IF_ERROR(Decode(value, &r));
  return r;
}

void ClusterMap::Changed() {
  Status st = Sync();
  if (!st.ok()) LogWarn("cluster", "cluster map refresh: " + st.ToString());
  std::function<void()> fn;
  {
    std::lock_guard<std::mutex> lock(mutex_);
    fn = on_change_;
  }
  if (fn) fn();
}

Result<NodeRecord> ClusterMap::AddNode(const std::string& url, double weight) {
  CAIRN_RETURN_IF_ERROR(Clustered());
  CAIRN_RETURN_IF_ERROR(CheckWeight(weight));
  auto existing = Load();
  if (!existing.ok()) return existing.status();
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(transport_.ProbeNode(url, &drives));
  if (drives.empty()) return Status::InvalidArgument("node " + url + " reports no drives");
  NodeRecord r;
  r.name = drives.front().node;
  r.url = url;
  r.zone = drives.front().zone;
  r.weight = weight;
  r.added_ms = NowMillis();
  for (const auto& d : drives) r.drives.push_back(d.id);
  for (const auto& n : existing.value()) {
    if (n.name == r.name || n.url == r.url) {
      return Status::Conflict("node " + n.name + " (" + n.url + ") is already in the cluster");
    }
    for (const auto& id : n.drives) {
      if (std::find(r.drives.begin(), r.drives.end(), id) != r.drives.end()) {
        return Status::Conflict("drive " + id + " already belongs to node " + n.name);
      }
    }
  }
  Txn txn;
  txn.Require(keys::Node(r.name), TxnCondition::kNotExists).Put(keys::Node(r.name), Encode(r));
  Status st = meta_.Commit(txn);
  if (st.IsConflict()) return Status::Conflict("node " + r.name + " is already in the cluster");
  CAIRN_RETURN_IF_ERROR(st);
  LogInfo("cluster", "added node " + r.name + " (" + url + ", zone " + r.zone + ", " +
                         std::to_string(r.drives.size()) + " drives)");
  Changed();
  return r;
}

Result<NodeRecord> ClusterMap::Update(const std::string& name,
                                      const std::function<void(NodeRecord*)>& change) {
  CAIRN_RETURN_IF_ERROR(Clustered());
  auto r = Find(name);
  if (!r.ok()) return r.status();
  const std::string old = Encode(r.value());
  change(&r.value());
  const std::string now = Encode(r.value());
  if (now == old) return r;  // nothing to do: commands are idempotent
  Txn txn;
  txn.Require(keys::Node(name), TxnCondition::kValueEquals, old).Put(keys::Node(name), now);
  Status st = meta_.Commit(txn);
  if (st.IsConflict()) return Status::Conflict("node " + name + " changed meanwhile; try again");
  CAIRN_RETURN_IF_ERROR(st);
  LogInfo("cluster", "node " + name + " is now " + r->state + " with weight " +
                         std::to_string(r->weight));
  Changed();
  return r;
}

Result<NodeRecord> ClusterMap::SetState(const std::string& name, const std::string& state) {
  if (state != kNodeActive && state != kNodeDraining) {
    return Status::InvalidArgument("a node is active or draining, not '" + state + "'");
  }
  return Update(name, [&](NodeRecord* r) { r->state = state; });
}

Result<NodeRecord> ClusterMap::SetWeight(const std::string& name, double weight) {
  CAIRN_RETURN_IF_ERROR(CheckWeight(weight));
  return Update(name, [&](NodeRecord* r) { r->weight = weight; });
}

Status ClusterMap::Remove(
    const std::string& name, bool force,
    const std::function<Result<uint64_t>(const std::set<std::string>&)>& drives_in_use) {
  CAIRN_RETURN_IF_ERROR(Clustered());
  auto r = Find(name);
  if (!r.ok()) return r.status();
  auto all = Load();
  if (!all.ok()) return all.status();
  if (all->size() == 1) return Status::Conflict("node " + name + " is the last node of the cluster");
  if (!force) {
    if (r->state != kNodeDraining) {
      return Status::Conflict("node " + name +
                              " is active: drain it first (or remove it with --force if it is "
                              "gone for good and its shards must be rebuilt elsewhere)");
    }
    std::set<std::string> drives(r->drives.begin(), r->drives.end());
    std::vector<DriveInfo> live;
    if (transport_.Drives(&live).ok()) {
      for (const auto& d : live) {
        if (d.node == name) drives.insert(d.id);
      }
    }
    auto in_use = drives_in_use(drives);
    if (!in_use.ok()) return in_use.status();
    if (in_use.value() > 0) {
      return Status::Conflict("node " + name + " still holds " + std::to_string(in_use.value()) +
                              " shards; the rebalancer is moving them (see cluster status)");
    }
  }
  std::string old = Encode(r.value());
  Txn txn;
  txn.Require(keys::Node(name), TxnCondition::kValueEquals, old).Delete(keys::Node(name));
  Status st = meta_.Commit(txn);
  if (st.IsConflict()) return Status::Conflict("node " + name + " changed meanwhile; try again");
  CAIRN_RETURN_IF_ERROR(st);
  LogInfo("cluster", "removed node " + name + (force ? " (forced)" : ""));
  Changed();
  return Status::Ok();
}

void ClusterMap::Annotate(std::vector<DriveInfo>* drives) const {
  std::lock_guard<std::mutex> lock(mutex_);
  for (auto& d : *drives) {
    for (const auto& n : nodes_) {
      if (n.name != d.node) continue;
      d.draining = n.state == kNodeDraining;
      d.weight = n.weight;
    }
  }
}

}  // namespace cairn
