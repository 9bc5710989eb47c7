#include "admin/cluster_admin.h"

#include <cstdio>
#include <cstdlib>
#include <map>
#include <set>

#include "admin/admin_api.h"
#include "cluster/cluster_map.h"
#include "cluster/rebalancer.h"
#include "util/json_text.h"

namespace cairn {
namespace {

Status SendError(AdminRequest& req, const Status& st) {
  int status = 500;
  switch (st.code()) {
    case CAIRN_INVALID_ARGUMENT: status = 400; break;
    case CAIRN_NOT_FOUND: status = 404; break;
    case CAIRN_CONFLICT: status = 409; break;
    case CAIRN_UNAVAILABLE: status = 503; break;
    default: break;
  }
  SendAdminJson(req, status, "{\"error\":" + JsonString(st.message()) + "}");
  return Status::Ok();
}

std::string NodeJson(const NodeRecord& n, const std::vector<DriveInfo>& drives) {
  char weight[32];
  std::snprintf(weight, sizeof(weight), "%.6g", n.weight);
  std::string out = "{\"name\":" + JsonString(n.name) + ",\"url\":" + JsonString(n.url) +
                    ",\"zone\":" + JsonString(n.zone) + ",\"weight\":" + weight +
                    ",\"state\":" + JsonString(n.state) + ",\"drives\":[";
  bool first = true;
  for (const auto& d : drives) {
    if (d.node != n.name) continue;
    out += std::string(first ? "" : ",") + "{\"id\":" + JsonString(d.id) +
           ",\"healthy\":" + (d.healthy ? "true" : "false") +
           ",\"total_bytes\":" + std::to_string(d.total_bytes) +
           ",\"free_bytes\":" + std::to_string(d.free_bytes) + "}";
    first = false;
  }
  return out + "]}";
}

Status ClusterStatus(AdminRequest& req) {
  // Read the map now rather than as of the last refresh: a change made through another
  // gateway a moment ago shows at once.
  (void)req.svc.cluster.Sync();
  std::vector<DriveInfo> drives;
  Status st = req.svc.objects.data.Drives(&drives);
  if (!st.ok()) return SendError(req, st);
  std::vector<NodeRecord> nodes = req.svc.cluster.Nodes();
  if (nodes.empty()) {
    // No map (local drives, or seeding still waits): the nodes the drives report.
    std::map<std::string, NodeRecord> seen;
    for (const auto& d : drives) {
      NodeRecord& n = seen[d.node];
      n.name = d.node;
      n.zone = d.zone;
    }
    for (auto& [name, n] : seen) nodes.push_back(std::move(n));
  }
  std::string body = std::string("{\"clustered\":") +
                     (req.svc.cluster.enabled() ? "true" : "false") + ",\"nodes\":[";
  for (size_t i = 0; i < nodes.size(); ++i) body += (i ? "," : "") + NodeJson(nodes[i], drives);
  body += "]";
  auto progress = req.svc.rebalancer.Progress();
  if (progress.ok()) body += ",\"rebalance\":" + ToJson(progress.value());
  SendAdminJson(req, 200, body + "}");
  return Status::Ok();
}

// The widest stripe any storage class writes: fewer drives than this and PUTs of that class
// fail, so no command may leave fewer.
size_t WidestStripe(const Services& svc) {
  size_t widest = 0;
  for (const auto& [name, c] : svc.classes) widest = std::max<size_t>(widest, c.k + c.m);
  return widest;
}

// Refuses a change that would leave fewer drives taking writes than the widest stripe.
Status CheckEnoughDrivesWithout(AdminRequest& req, const std::string& node, const std::string& what) {
  std::vector<DriveInfo> drives;
  CAIRN_RETURN_IF_ERROR(req.svc.objects.data.Drives(&drives));
  size_t left = 0;
  for (const auto& d : drives) left += d.node != node && !d.draining;
  const size_t need = WidestStripe(req.svc.objects);
  if (left < need) {
    return Status::Conflict(what + " " + node + " would leave " + std::to_string(left) +
                            " drives taking new shards; the widest storage class needs " +
                            std::to_string(need));
  }
  return Status::Ok();
}

// The weight= parameter, or `absent` when there is none (0: required).
Result<double> WeightOf(const AdminRequest& req, double absent) {
  const std::string text = req.Query("weight");
  if (text.empty()) {
    if (absent > 0) return absent;
    return Status::InvalidArgument("weight=<number> is required");
  }
  char* end = nullptr;
  const double weight = std::strtod(text.c_str(), &end);
  if (end == nullptr || *end != '\0') return Status::InvalidArgument("weight must be a number");
  return weight;
}

// 200 and the node as it is now, or the error.
Status SendNode(AdminRequest& req, const Result<NodeRecord>& node) {
  if (!node.ok()) return SendError(req, node.status());
  std::vector<DriveInfo> drives;
  (void)req.svc.objects.data.Drives(&drives);
  SendAdminJson(req, 200, NodeJson(node.value(), drives));
  return Status::Ok();
}

}  // namespace

Status HandleClusterAdmin(AdminRequest& req, const std::string& path, const std::string& m) {
  ClusterMap& map = req.svc.cluster;
  if (path == "admin/cluster" && m == "GET") return ClusterStatus(req);
  if (path == "admin/cluster/add" && m == "POST") {
    const std::string url = req.Query("url");
    if (url.empty()) return SendError(req, Status::InvalidArgument("url=<node URL> is required"));
    auto weight = WeightOf(req, 1.0);
    if (!weight.ok()) return SendError(req, weight.status());
    return SendNode(req, map.AddNode(url, weight.value()));
  }
  if (path == "admin/cluster/rebalance" && m == "POST") {
    if (Status st = map.Clustered(); !st.ok()) return SendError(req, st);
    req.svc.rebalancer.Wake(0);
    SendAdminJson(req, 202, "{\"requested\":true}");
    return Status::Ok();
  }
  const std::string node = req.Query("node");
  if ((path == "admin/cluster/drain" || path == "admin/cluster/undrain" ||
       path == "admin/cluster/weight") && m == "POST") {
    if (node.empty()) return SendError(req, Status::InvalidArgument("node=<name> is required"));
    if (Status st = map.Clustered(); !st.ok()) return SendError(req, st);
    if (path == "admin/cluster/weight") {
      auto weight = WeightOf(req, 0);
      if (!weight.ok()) return SendError(req, weight.status());
      return SendNode(req, map.SetWeight(node, weight.value()));
    }
    if (path == "admin/cluster/undrain") return SendNode(req, map.SetState(node, kNodeActive));
    if (Status st = CheckEnoughDrivesWithout(req, node, "draining"); !st.ok()) {
      return SendError(req, st);
    }
    return SendNode(req, map.SetState(node, kNodeDraining));
  }
  if (path == "admin/cluster/remove" && m == "POST") {
    if (node.empty()) return SendError(req, Status::InvalidArgument("node=<name> is required"));
    const bool force = req.Query("force") == "true";
    if (force && map.enabled()) {
      if (Status st = CheckEnoughDrivesWithout(req, node, "removing"); !st.ok()) {
        return SendError(req, st);
      }
    }
    Status st = map.Remove(node, force, [&](const std::set<std::string>& drives) {
      return Rebalancer::CountShardsOn(req.svc.objects.meta, drives);
    });
    if (!st.ok()) return SendError(req, st);
    SendAdminJson(req, 200, "{\"removed\":" + JsonString(node) + "}");
    return Status::Ok();
  }
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                    "unknown admin operation: " + m + " /" + std::string(kAdminBucket) + "/" + path);
}

}  // namespace cairn
