#include "node/shard_server.h"

#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/ServerSocket.h>

#include <ctime>

#include "node/node_target.h"
#include "node_protocol/cluster_protocol.h"
#include "util/listen_socket.h"

namespace cairn {
namespace {

using Poco::Net::HTTPRequestHandler;
using Poco::Net::HTTPResponse;
using Poco::Net::HTTPServerRequest;

class NodeHandlerFactory : public Poco::Net::HTTPRequestHandlerFactory {
 public:
  NodeHandlerFactory(Transport& transport, const ShardServerOptions& options)
      : transport_(transport), options_(options) {}

  HTTPRequestHandler* createRequestHandler(const HTTPServerRequest& request) override {
    std::unique_ptr<HTTPRequestHandler> handler;
    try {
      handler = Dispatch(request);
    } catch (const std::exception& e) {
      handler = Refuse(request, Status::Internal(std::string("node: ") + e.what()), 0);
    }
    return handler.release();
  }

 private:
  // Setting a non-200 status here is what keeps Poco from sending "100 Continue".
  std::unique_ptr<HTTPRequestHandler> Refuse(const HTTPServerRequest& request, Status status,
                                             int http_status) {
    const int http = http_status != 0 ? http_status : cluster::HttpStatusOf(status.code());
    request.response().setStatus(static_cast<HTTPResponse::HTTPStatus>(http));
    return MakeErrorHandler(std::move(status), http);
  }

  std::unique_ptr<HTTPRequestHandler> Dispatch(const HTTPServerRequest& request) {
    const std::string& method = request.getMethod();
    // Load balancers and process supervisors probe without the cluster secret; the answer
    // ("ok") says only that the process serves HTTP.
    if (method == "GET" && request.getURI() == "/health") return MakeHealthHandler();
    const bool is_put = method == "PUT";
    const bool has_length = request.hasContentLength() && !request.getChunkedTransferEncoding();
    const std::string signed_length =
        is_put && has_length ? std::to_string(request.getContentLength64()) : "";
    Status auth = cluster::VerifyRequest(options_.cluster_secret, method, request.getURI(),
                                         request.get(cluster::kDateHeader, ""), signed_length,
                                         request.get(cluster::kSignatureHeader, ""),
                                         static_cast<int64_t>(std::time(nullptr)));
    if (!auth.ok()) return Refuse(request, auth, 401);

    auto target = ParseNodeTarget(request.getURI());
    if (!target.ok()) return Refuse(request, target.status(), 0);
    using Kind = NodeTarget::Kind;
    const Kind kind = target->kind;
    if (kind != Kind::kShard && method != "GET") return NotAllowed(request);
    switch (kind) {
      case Kind::kHealth:
        return MakeHealthHandler();
      case Kind::kDrives:
        return MakeDrivesHandler(transport_, options_.identity);
      case Kind::kList:
        return MakeListHandler(transport_, {target->drive, target->prefix});
      case Kind::kShard:
        break;
    }
    ShardRef ref{target->drive, target->shard};
    if (method == "GET" || method == "HEAD" || method == "DELETE") {
      return MakeShardHandler(transport_, std::move(ref));
    }
    if (!is_put) return NotAllowed(request);
    if (!has_length) {
      // Only a declared length lets the node tell a whole body from a cut one.
      return Refuse(request, Status::InvalidArgument("PUT needs a Content-Length"), 411);
    }
    const uint64_t length = static_cast<uint64_t>(request.getContentLength64());
    if (length > options_.max_body_bytes) {
      return Refuse(request,
                    Status::InvalidArgument("shard of " + std::to_string(length) +
                                            " bytes exceeds the node's max_body_bytes (" +
                                            std::to_string(options_.max_body_bytes) + ")"),
                    413);
    }
    auto writer = transport_.OpenWriter(ref);
    if (!writer.ok()) return Refuse(request, writer.status(), 0);
    return MakePutHandler(std::move(writer.value()), length);
  }

  std::unique_ptr<HTTPRequestHandler> NotAllowed(const HTTPServerRequest& request) {
    return Refuse(request, Status::InvalidArgument(request.getMethod() + " is not allowed here"),
                  405);
  }

  Transport& transport_;
  const ShardServerOptions& options_;
};

}  // namespace

ShardServer::ShardServer(Transport& transport, ShardServerOptions options)
    : transport_(transport), options_(std::move(options)) {}

ShardServer::~ShardServer() { Stop(); }

Status ShardServer::Start() {
  try {
    Poco::Net::SocketAddress address(options_.listen);
    Poco::Net::ServerSocket socket = ListenSocket(address, 256);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.max_threads);
    params->setMaxQueued(options_.max_queued);
    params->setKeepAlive(true);
    params->setMaxKeepAliveRequests(0);
    // Longer than the client's pooled-connection idle limit, so the client drops first.
    params->setKeepAliveTimeout(Poco::Timespan(30, 0));
    params->setTimeout(Poco::Timespan(options_.timeout_seconds, 0));
    server_ = std::make_unique<Poco::Net::HTTPServer>(new NodeHandlerFactory(transport_, options_),
                                                      socket, params);
    server_->start();
  } catch (const Poco::Exception& e) {
    server_.reset();
    return Status::IOError("cannot listen on " + options_.listen + ": " + e.displayText());
  }
  return Status::Ok();
}

void ShardServer::Stop() {
  if (server_) {
    server_->stopAll(true);
    server_.reset();
  }
}

uint16_t ShardServer::port() const { return server_ ? server_->port() : 0; }

}  // namespace cairn
