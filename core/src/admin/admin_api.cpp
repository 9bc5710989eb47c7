#include "admin/admin_api.h"

#include <cerrno>
#include <cstdlib>

#include <Poco/Net/HTTPResponse.h>

#include "admin/cluster_admin.h"
#include "durability/repair_queue.h"
#include "util/clock.h"
#include "util/json_text.h"
#include "durability/scrubber.h"
#include "lifecycle/lifecycle_worker.h"
#include "objects/buckets.h"

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

Status StartScrub(AdminRequest& req, const std::string& bucket, const std::string& drive) {
  Status st = req.svc.scrubber.Start(bucket, drive);
  if (st.IsConflict()) {
    SendAdminJson(req, 409, "{\"error\":\"a scrub is already running\"}");
    return Status::Ok();
  }
  CAIRN_RETURN_IF_ERROR(st);
  SendAdminJson(req, 202, "{\"started\":true}");
  return Status::Ok();
}

}  // namespace

void SendAdminJson(AdminRequest& req, int status, const std::string& body) {
  req.response.SetStatus(status);
  req.response.Set("Content-Type", "application/json");
  req.response.SetContentLength(body.size());
  req.response.Send() << body;
}

Status HandleAdmin(AdminRequest& req) {
  if (req.principal.user_id != "root") return Status::AccessDenied("AccessDenied", "");
  const std::string& path = req.path;
  const std::string& m = req.method;
  if (path == "admin/scrub" && m == "POST") {
    if (!req.Query("bucket").empty()) {
      auto b = LoadBucket(req.svc.objects, req.Query("bucket"));
      if (!b.ok()) return b.status();
      if (b->record.owner != req.principal.user_id) {
        return Status::AccessDenied("AccessDenied", "");
      }
    }
    return StartScrub(req, req.Query("bucket"), "");
  }
  if (path == "admin/scrub" && m == "GET") {
    SendAdminJson(req, 200, ProgressJson(req.svc.scrubber.Progress()));
    return Status::Ok();
  }
  if (path == "admin/lifecycle" && m == "GET") {
    auto p = req.svc.lifecycle.Progress();
    if (!p.ok()) return p.status();
    auto due = req.svc.lifecycle.DueCount(NowMillis());
    if (!due.ok()) return due.status();
    std::string body = ToJson(p.value());
    body.back() = ',';
    SendAdminJson(req, 200, body + "\"due_now\":" + std::to_string(due.value()) + "}");
    return Status::Ok();
  }
  if (path == "admin/lifecycle/run" && m == "POST") {
    // at=<ms since the epoch>: evaluate as if it were then (tests, and "what would happen").
    int64_t at = NowMillis();
    if (!req.Query("at").empty()) {
      char* end = nullptr;
      const std::string& text = req.Query("at");
      errno = 0;
      const long long v = std::strtoll(text.c_str(), &end, 10);
      if (errno != 0 || end == text.c_str() || *end != '\0' || v < 0) {
        return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument",
                          "at must be a time in milliseconds since the epoch");
      }
      at = v;
    }
    auto p = req.svc.lifecycle.RunNow(at);
    if (p.status().IsConflict()) {
      SendAdminJson(req, 409, "{\"error\":" + JsonString(p.status().message()) + "}");
      return Status::Ok();
    }
    if (!p.ok()) return p.status();
    SendAdminJson(req, 200, ToJson(p.value()));
    return Status::Ok();
  }
  if (path == "admin/drives" && m == "GET") {
    std::vector<DriveInfo> drives;
    CAIRN_RETURN_IF_ERROR(req.svc.objects.data.Drives(&drives));
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
    return Status::Ok();
  }
  if (path.rfind("admin/cluster", 0) == 0) return HandleClusterAdmin(req, path, m);
  if (path == "admin/drives/replace" && m == "POST") {
    if (req.Query("drive").empty()) {
      return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidArgument", "drive=<id> is required");
    }
    return StartScrub(req, "", req.Query("drive"));
  }
  if (path == "admin/repair" && m == "GET") {
    auto n = req.svc.repair.Queued();
    if (!n.ok()) return n.status();
    SendAdminJson(req, 200, "{\"queued\":" + std::to_string(n.value()) + "}");
    return Status::Ok();
  }
  if (path == "admin/repair" && m == "POST") {
    auto n = req.svc.repair.DrainOnce();
    if (!n.ok()) return n.status();
    auto left = req.svc.repair.Queued();
    SendAdminJson(req, 200, "{\"completed\":" + std::to_string(n.value()) +
                           ",\"queued\":" + std::to_string(left.ok() ? left.value() : 0) + "}");
    return Status::Ok();
  }
  return Status::S3(CAIRN_INVALID_ARGUMENT, "InvalidRequest",
                    "unknown admin operation: " + m + " /" + std::string(kAdminBucket) + "/" + path);
}

}  // namespace cairn
