#include "admin/admin_api.h"

#include <Poco/Net/HTTPResponse.h>

#include "admin/cluster_admin.h"
#include "durability/repair_queue.h"
#include "util/json_text.h"
#include "durability/scrubber.h"
#include "s3/object_common.h"

namespace cairn {
namespace {

std::string JsonList(const std::vector<std::string>& items) {
  std::string out = "[";
  for (size_t i = 0; i < items.size(); ++i) out += (i ? "," : "") + JsonString(items[i]);
  return out + "]";
}

std::string ProgressJson(const ScrubProgress& p) {
  return std::string("{\"running\":") + (p.running ? "true" : "false") +
         ",\"bucket\":" + JsonString(p.bucket) + ",\"drive\":" + JsonString(p.drive) +
         ",\"objects_total\":" + std::to_string(p.objects_total) +
         ",\"objects_checked\":" + std::to_string(p.objects_checked) +
         ",\"shards_checked\":" + std::to_string(p.shards_checked) +
         ",\"shards_repaired\":" + std::to_string(p.shards_repaired) +
         ",\"orphans_removed\":" + std::to_string(p.orphans_removed) +
         ",\"uploads_expired\":" + std::to_string(p.uploads_expired) +
         ",\"bytes_verified\":" + std::to_string(p.bytes_verified) +
         ",\"unrecoverable\":" + JsonList(p.unrecoverable) + ",\"errors\":" + JsonList(p.errors) +
         ",\"started_ms\":" + std::to_string(p.started_ms) +
         ",\"finished_ms\":" + std::to_string(p.finished_ms) + "}";
}

S3Outcome StartScrub(S3Request& req, const std::string& bucket, const std::string& drive) {
  Status st = req.svc.scrubber->Start(bucket, drive);
  if (st.IsConflict()) {
    SendAdminJson(req, 409, "{\"error\":\"a scrub is already running\"}");
    return std::nullopt;
  }
  if (!st.ok()) return S3Error::FromStatus(st);
  SendAdminJson(req, 202, "{\"started\":true}");
  return std::nullopt;
}

}  // namespace

void SendAdminJson(S3Request& req, int status, const std::string& body) {
  req.response.SetStatus(status);
  req.response.Set("Content-Type", "application/json");
  req.response.SetContentLength(body.size());
  req.response.Send() << body;
}

S3Outcome HandleAdmin(S3Request& req) {
  if (req.principal.user_id != "root") return S3Error::Of("AccessDenied");
  if (req.svc.scrubber == nullptr || req.svc.repair == nullptr || req.svc.cluster == nullptr ||
      req.svc.rebalancer == nullptr) {
    return S3Error::Of("ServiceUnavailable", "the background workers are not running");
  }
  const std::string& path = req.key;  // after "/_cairn/"
  const std::string& m = req.method;
  if (path == "admin/scrub" && m == "POST") {
    if (!req.Query("bucket").empty()) {
      auto b = RequireBucket(req, req.Query("bucket"));
      if (!b.ok()) return S3Error::FromStatus(b.status());
    }
    return StartScrub(req, req.Query("bucket"), "");
  }
  if (path == "admin/scrub" && m == "GET") {
    SendAdminJson(req, 200, ProgressJson(req.svc.scrubber->Progress()));
    return std::nullopt;
  }
  if (path == "admin/drives" && m == "GET") {
    std::vector<DriveInfo> drives;
    Status st = req.svc.data.Drives(&drives);
    if (!st.ok()) return S3Error::FromStatus(st);
    std::string body = "{\"drives\":[";
    for (size_t i = 0; i < drives.size(); ++i) {
      const auto& d = drives[i];
      body += std::string(i ? "," : "") + "{\"id\":" + JsonString(d.id) + ",\"node\":" + JsonString(d.node) +
              ",\"zone\":" + JsonString(d.zone) + ",\"path\":" + JsonString(d.path) +
              ",\"healthy\":" + (d.healthy ? "true" : "false") +
              ",\"total_bytes\":" + std::to_string(d.total_bytes) +
              ",\"free_bytes\":" + std::to_string(d.free_bytes) + "}";
    }
    SendAdminJson(req, 200, body + "]}");
    return std::nullopt;
  }
  if (path.rfind("admin/cluster", 0) == 0) return HandleClusterAdmin(req, path, m);
  if (path == "admin/drives/replace" && m == "POST") {
    if (req.Query("drive").empty()) {
      return S3Error::Of("InvalidArgument", "drive=<id> is required");
    }
    return StartScrub(req, "", req.Query("drive"));
  }
  if (path == "admin/repair" && m == "GET") {
    auto n = req.svc.repair->Queued();
    if (!n.ok()) return S3Error::FromStatus(n.status());
    SendAdminJson(req, 200, "{\"queued\":" + std::to_string(n.value()) + "}");
    return std::nullopt;
  }
  if (path == "admin/repair" && m == "POST") {
    auto n = req.svc.repair->DrainOnce();
    if (!n.ok()) return S3Error::FromStatus(n.status());
    auto left = req.svc.repair->Queued();
    SendAdminJson(req, 200, "{\"completed\":" + std::to_string(n.value()) +
                           ",\"queued\":" + std::to_string(left.ok() ? left.value() : 0) + "}");
    return std::nullopt;
  }
  return S3Error::Of("InvalidRequest", "unknown admin operation: " + m + " /" +
                                           std::string(kAdminBucket) + "/" + path);
}

}  // namespace cairn
