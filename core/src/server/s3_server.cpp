#include "server/s3_server.h"

#include <Poco/String.h>

#include <algorithm>

#include "s3/router.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"

namespace cairn {
namespace {

// Splits the raw target into bucket, key and decoded query. False on a malformed escape.
// *virtual_hosted says whether the Host header named the bucket.
bool Address(S3Request& r, const std::string& uri, const std::vector<std::string>& domains,
             bool* virtual_hosted) {
  *virtual_hosted = false;
  size_t q = uri.find('?');
  auto path = UrlDecode(uri.substr(0, q));
  if (!path || path->empty() || (*path)[0] != '/') return false;
  if (q != std::string::npos) {
    std::string query = uri.substr(q + 1);
    size_t start = 0;
    while (start < query.size()) {
      size_t amp = query.find('&', start);
      std::string part = query.substr(start, amp == std::string::npos ? std::string::npos : amp - start);
      if (!part.empty()) {
        size_t eq = part.find('=');
        // '+' in a query is a space (form encoding), as S3 and the SigV4 plugin read it.
        std::replace(part.begin(), part.end(), '+', ' ');
        auto name = UrlDecode(part.substr(0, eq));
        auto value = UrlDecode(eq == std::string::npos ? "" : part.substr(eq + 1));
        if (!name || !value) return false;
        r.query.emplace(*name, *value);
      }
      if (amp == std::string::npos) break;
      start = amp + 1;
    }
  }
  std::string host = Poco::toLower(r.http.Get("Host", ""));
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
    host = host.substr(0, colon);
  }
  for (const auto& d : domains) {
    std::string suffix = "." + Poco::toLower(d);
    if (host.size() > suffix.size() && host.ends_with(suffix)) {
      r.bucket = host.substr(0, host.size() - suffix.size());
      r.key = path->substr(1);
      *virtual_hosted = true;
      return true;
    }
  }
  std::string rest = path->substr(1);
  size_t slash = rest.find('/');
  r.bucket = rest.substr(0, slash);
  r.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  return true;
}

class S3Handler : public http::HttpHandler {
 public:
  S3Handler(Services& svc, Authenticator& auth, AdminServices& admin)
      : svc_(svc), auth_(auth), admin_(admin) {}

  void Handle(http::HttpRequest& http, http::HttpResponse& response) override {
    S3Request req{http, response, svc_};
    req.request_id = Poco::toUpper(RandomHex(8));
    req.method = http.method();
    req.now_ms = NowMillis();
    SetIdentity(response, req.request_id);
    S3Outcome outcome;
    try {
      outcome = Handle(req);
    } catch (const std::exception& e) {
      LogError("s3", "request " + req.request_id + " failed: " + e.what());
      outcome = S3Error::Of("InternalError");
    }
    if (outcome) {
      if (outcome->http_status >= 500) {
        LogWarn("s3", req.method + " /" + req.bucket + "/" + req.key + " -> " + outcome->code +
                          " (request " + req.request_id + ")");
      }
      if (!response.sent()) req.SendError(*outcome);
    }
  }

  void Refuse(const Status& why, http::HttpResponse& response) override {
    const std::string request_id = Poco::toUpper(RandomHex(8));
    SetIdentity(response, request_id);
    S3Error e = S3Error::FromStatus(why);
    LogInfo("http", "refused a request: " + e.code + ": " + e.message + " (request " +
                        request_id + ")");
    std::string body = ErrorXml(e, "/", "", "", request_id);
    response.SetStatus(e.http_status);
    response.Set("Content-Type", "application/xml");
    response.SetContentLength(body.size());
    response.SetKeepAlive(false);
    response.Send() << body;
  }

 private:
  static void SetIdentity(http::HttpResponse& response, const std::string& request_id) {
    response.Set("x-amz-request-id", request_id);
    response.Set("x-amz-id-2", request_id);
    response.Set("Server", "Cairn");
  }

  S3Outcome Handle(S3Request& req) {
    bool virtual_hosted = false;
    if (!Address(req, req.http.target(), svc_.config.server.virtual_host_domains,
                 &virtual_hosted)) {
      return S3Error::Of("InvalidURI", "Couldn't parse the specified URI.");
    }
    HttpRequestView view;
    view.method = req.method;
    view.uri = req.http.target();
    view.now_unix = req.now_ms / 1000;
    view.headers = req.http.headers();
    if (virtual_hosted) view.virtual_host_bucket = req.bucket;
    auto auth = auth_.Authenticate(view);
    if (!auth.ok()) return S3Error::FromStatus(auth.status());
    req.principal = auth->principal;
    req.decoder = std::move(auth->body);
    if (req.bucket == kAdminBucket) {
      if (req.principal.anonymous) return S3Error::Of("AccessDenied");
      AdminRequest admin{req.response, admin_, req.principal, req.method, req.key, req.query};
      Status st = HandleAdmin(admin);
      if (!st.ok()) return S3Error::FromStatus(st);
      return std::nullopt;
    }
    return Route(req);
  }

  Services& svc_;
  Authenticator& auth_;
  AdminServices& admin_;
};

}  // namespace

S3Server::S3Server(Services& svc, Authenticator& auth, AdminServices& admin)
    : svc_(svc), handler_(std::make_unique<S3Handler>(svc, auth, admin)) {}

S3Server::~S3Server() { Stop(); }

Status S3Server::Start() {
  const ServerConfig& c = svc_.config.server;
  http::HttpServerLimits limits;
  limits.worker_threads = static_cast<size_t>(c.max_threads);
  limits.max_queued = static_cast<size_t>(c.max_queued);
  limits.max_connections = static_cast<size_t>(c.max_connections);
  limits.max_connections_per_client = static_cast<size_t>(c.max_connections_per_client);
  limits.header_timeout_ms = c.header_timeout_seconds * 1000;
  limits.idle_timeout_ms = c.idle_timeout_seconds * 1000;
  limits.body_timeout_ms = c.body_timeout_seconds * 1000;
  server_ = std::make_unique<http::HttpServer>(*handler_, limits);
  return server_->Start(c.listen);
}

void S3Server::Stop() {
  if (!server_) return;
  // Stop accepting, cut the connections, then wait for handlers still running (a request may
  // be mid-PUT): the services they use are destroyed right after this returns.
  server_->Stop();
  server_.reset();
}

uint16_t S3Server::port() const { return server_ ? server_->port() : 0; }

}  // namespace cairn
