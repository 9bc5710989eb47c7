#include "server/s3_server.h"

#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/String.h>

#include <algorithm>
#include <chrono>
#include <thread>

#include "s3/router.h"
#include "util/clock.h"
#include "util/encoding.h"
#include "util/log.h"
#include "util/listen_socket.h"

namespace cairn {
namespace {

// Splits the raw target into bucket, key and decoded query. False on a malformed escape.
bool Address(S3Request& r, const std::string& uri, const std::vector<std::string>& domains) {
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
  std::string host = Poco::toLower(r.http.get("Host", ""));
  if (size_t colon = host.rfind(':'); colon != std::string::npos && host.find(']') == std::string::npos) {
    host = host.substr(0, colon);
  }
  for (const auto& d : domains) {
    std::string suffix = "." + Poco::toLower(d);
    if (host.size() > suffix.size() && host.ends_with(suffix)) {
      r.bucket = host.substr(0, host.size() - suffix.size());
      r.key = path->substr(1);
      return true;
    }
  }
  std::string rest = path->substr(1);
  size_t slash = rest.find('/');
  r.bucket = rest.substr(0, slash);
  r.key = slash == std::string::npos ? "" : rest.substr(slash + 1);
  return true;
}

class S3Handler : public Poco::Net::HTTPRequestHandler {
 public:
  explicit S3Handler(Services& svc) : svc_(svc) {}

  void handleRequest(Poco::Net::HTTPServerRequest& http,
                     Poco::Net::HTTPServerResponse& response) override {
    S3Request req{http, response, svc_};
    req.request_id = Poco::toUpper(RandomHex(8));
    req.method = http.getMethod();
    req.now_ms = NowMillis();
    response.set("x-amz-request-id", req.request_id);
    response.set("x-amz-id-2", req.request_id);
    response.set("Server", "Cairn");
    S3Outcome outcome;
    try {
      outcome = Handle(req);
    } catch (const Poco::IOException&) {
      throw;  // a response already under way is cut: Poco closes the connection
    } catch (const std::exception& e) {
      LogError("s3", "request " + req.request_id + " failed: " + e.what());
      outcome = S3Error::Of("InternalError");
    }
    if (outcome) {
      // A body we did not read would be parsed as the next request: close instead.
      if (http.hasContentLength() ? http.getContentLength64() > 0 : http.getChunkedTransferEncoding()) {
        if (!req.body_source) response.setKeepAlive(false);
      }
      if (outcome->http_status >= 500) {
        LogWarn("s3", req.method + " /" + req.bucket + "/" + req.key + " -> " + outcome->code +
                          " (request " + req.request_id + ")");
      }
      if (!response.sent()) req.SendError(*outcome);
    }
  }

 private:
  S3Outcome Handle(S3Request& req) {
    if (!Address(req, req.http.getURI(), svc_.config.server.virtual_host_domains)) {
      return S3Error::Of("InvalidURI", "Couldn't parse the specified URI.");
    }
    HttpRequestView view;
    view.method = req.method;
    view.uri = req.http.getURI();
    view.now_unix = req.now_ms / 1000;
    for (const auto& [name, value] : req.http) view.headers.emplace_back(name, value);
    auto auth = svc_.auth.Authenticate(view);
    if (!auth.ok()) return S3Error::FromStatus(auth.status());
    req.principal = auth->principal;
    req.decoder = std::move(auth->body);
    return Route(req);
  }

  Services& svc_;
};

class S3HandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  explicit S3HandlerFactory(Services& svc) : svc_(svc) {}
  Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
    return new S3Handler(svc_);
  }

 private:
  Services& svc_;
};

}  // namespace

S3Server::~S3Server() { Stop(); }

Status S3Server::Start() {
  try {
    Poco::Net::SocketAddress addr(svc_.config.server.listen);
    Poco::Net::ServerSocket socket = ListenSocket(addr, 256);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(static_cast<int>(svc_.config.server.max_threads));
    params->setMaxQueued(static_cast<int>(svc_.config.server.max_queued));
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);
    params->setKeepAliveTimeout(Poco::Timespan(60, 0));
    params->setTimeout(Poco::Timespan(300, 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new S3HandlerFactory(svc_), socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    return Status::IOError("cannot listen on " + svc_.config.server.listen + ": " + e.displayText());
  }
  return Status::Ok();
}

void S3Server::Stop() {
  if (!server_) return;
  // Stop accepting, cut the connections, then wait for handlers still running (a request may
  // be mid-PUT): the services they use are destroyed right after this returns.
  server_->stopAll(true);
  for (int i = 0; i < 600 && server_->currentThreads() > 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  server_.reset();
}

uint16_t S3Server::port() const { return server_ ? server_->port() : 0; }

}  // namespace cairn
