// S3Server: S3 over the HTTP server of core/src/http. Each request gets a request id, is
// addressed (path-style or virtual-hosted-style), authenticated by the auth plugin, and handed
// to the admin API (/_cairn/...) or the S3 router; any failure is answered with the S3 error
// XML, as is a request the HTTP layer refuses.
// Thread-safe; requests run on the HTTP server's workers.
#pragma once

#include <memory>

#include "http/http_server.h"
#include "admin/admin_api.h"
#include "cairn/authenticator.h"
#include "objects/services.h"

namespace cairn {

class S3Server {
 public:
  S3Server(Services& svc, Authenticator& auth, AdminServices& admin);
  ~S3Server();
  // Binds to svc.config.server.listen ("host:port"; port 0 picks a free one) and starts.
  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  Services& svc_;
  std::unique_ptr<http::HttpHandler> handler_;
  std::unique_ptr<http::HttpServer> server_;
};

}  // namespace cairn
