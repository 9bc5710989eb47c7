// S3Server: the Poco HTTP server speaking S3. Each request gets a request id, is addressed
// (path-style or virtual-hosted-style), authenticated by the auth plugin, routed, and any
// failure is answered with the S3 error XML. Thread-safe; requests run on Poco's pool.
#pragma once

#include <Poco/Net/HTTPServer.h>

#include <memory>

#include "s3/services.h"

namespace cairn {

class S3Server {
 public:
  explicit S3Server(Services& svc) : svc_(svc) {}
  ~S3Server();
  // Binds to svc.config.server.listen ("host:port"; port 0 picks a free one) and starts.
  Status Start();
  void Stop();
  uint16_t port() const;

 private:
  Services& svc_;
  std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace cairn
