// AdminClient: one request to the server's admin API (/_cairn/admin/...), signed with SigV4 as the
// root user. HttpAdminClient speaks HTTP through Poco; tests substitute a scripted fake.
// Not thread-safe: one instance per thread.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>

#include "cairn/status.h"

namespace cairn::admin_cli {

struct AdminReply {
  int http_status = 0;
  std::string body;
};

class AdminClient {
 public:
  virtual ~AdminClient() = default;
  // `target` is the path and query, e.g. "/_cairn/admin/scrub?bucket=b" (already encoded).
  // Any HTTP status is a reply; Unavailable("cannot reach the Cairn server at URL ...") when
  // no reply came.
  virtual Result<AdminReply> Send(std::string_view method, std::string_view target) = 0;
};

// The Status for a reply that is not 2xx: for an S3 XML error (a 403 from the authenticator
// or the admin API), AccessDenied carrying its S3 code and message; otherwise the JSON "error"
// message, or the HTTP status alone.
Status ReplyError(const AdminReply& reply);

class HttpAdminClient : public AdminClient {
 public:
  // InvalidArgument when `endpoint` is not an http://host[:port] URL.
  static Result<std::unique_ptr<HttpAdminClient>> Create(const std::string& endpoint,
                                                         std::string access_key,
                                                         std::string secret_key);
  ~HttpAdminClient() override;

  Result<AdminReply> Send(std::string_view method, std::string_view target) override;

 private:
  HttpAdminClient() = default;

  std::string endpoint_;  // as the user gave it, for messages
  std::string host_;      // to connect to
  uint16_t port_ = 80;
  std::string authority_;  // the Host header, signed: "host:port" as in the URL
  std::string access_key_;
  std::string secret_key_;
};

}  // namespace cairn::admin_cli
