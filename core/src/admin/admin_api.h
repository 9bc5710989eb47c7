// The admin API under /_cairn/admin/ (root only, SigV4 like every S3 request): scrub passes and
// their progress, drive listing and replacement, the repair queue, the cluster. "_cairn" can
// never be a bucket name (S3 names have no '_'), so it cannot shadow a bucket. The server
// dispatches it before S3 routing (server/s3_server.cpp). JSON bodies; see
// docs/operations.md for the contract.
#pragma once

#include <map>
#include <string>

#include "cairn/authenticator.h"
#include "http/http_response.h"
#include "objects/services.h"

namespace cairn {

class Scrubber;
class RepairQueue;
class ClusterMap;
class Rebalancer;
class LifecycleWorker;

inline constexpr const char* kAdminBucket = "_cairn";

// What the admin API works with, built complete at startup (server/node_assembly.cpp).
struct AdminServices {
  Services& objects;
  Scrubber& scrubber;
  RepairQueue& repair;
  ClusterMap& cluster;
  Rebalancer& rebalancer;
  LifecycleWorker& lifecycle;
};

// One authenticated admin request.
struct AdminRequest {
  http::HttpResponse& response;
  AdminServices& svc;
  Principal principal;
  std::string method;
  std::string path;                          // after "/_cairn/", e.g. "admin/scrub"
  std::map<std::string, std::string> query;  // decoded names and values

  std::string Query(const std::string& name) const {
    auto it = query.find(name);
    return it == query.end() ? "" : it->second;
  }
};

// Answers the request, or returns the error for the server to send as an S3 error document
// (an explicit s3_code, e.g. AccessDenied, is kept).
Status HandleAdmin(AdminRequest& req);

// Sends a JSON reply (the admin API's own errors are {"error": "..."} with their HTTP status).
void SendAdminJson(AdminRequest& req, int status, const std::string& body);

}  // namespace cairn
