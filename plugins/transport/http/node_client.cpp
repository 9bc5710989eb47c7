#include "node_client.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/URI.h>

#include <ctime>
#include <thread>

#include "node_protocol/cluster_protocol.h"

namespace cairn::transport {
namespace {

using Poco::Net::HTTPClientSession;
using Poco::Net::HTTPMessage;
using Poco::Net::HTTPRequest;
using Poco::Net::HTTPResponse;

constexpr size_t kMaxIdleSessions = 32;
// An error body larger than this is not worth reading just to keep the connection.
constexpr std::streamsize kMaxErrorBody = 64 << 10;
// Below the node's 30 s keep-alive timeout: the client retires idle connections first.
const Poco::Timespan kIdleLimit(20, 0);

Poco::Timespan Span(std::chrono::milliseconds ms) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms.count()) * 1000);
}

std::string ReadErrorBody(const HTTPResponse& response, std::istream& in, bool* reusable) {
  if (response.hasContentLength() && response.getContentLength64() > kMaxErrorBody) {
    *reusable = false;
    return "(error body too large)";
  }
  std::string body(static_cast<size_t>(kMaxErrorBody), '\0');
  in.read(body.data(), kMaxErrorBody);
  body.resize(static_cast<size_t>(in.gcount()));
  if (in.gcount() == kMaxErrorBody) *reusable = false;
  return body;
}

}  // namespace

Result<std::unique_ptr<NodeClient>> NodeClient::Create(NodeClientOptions options) {
  std::string host;
  uint16_t port = 0;
  try {
    Poco::URI uri(options.url);
    const std::string path = uri.getPath();
    if (uri.getScheme() != "http" || uri.getHost().empty() || (!path.empty() && path != "/") ||
        !uri.getRawQuery().empty()) {
      return Status::InvalidArgument("node URL '" + options.url +
                                     "': expected http://host:port (https is not supported)");
    }
    host = uri.getHost();
    port = uri.getPort();
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("node URL '" + options.url + "': " + e.displayText());
  }
  if (!options.url.empty() && options.url.back() == '/') options.url.pop_back();
  return std::unique_ptr<NodeClient>(new NodeClient(std::move(options), host, port));
}

NodeClient::NodeClient(NodeClientOptions options, std::string host, uint16_t port)
    : options_(std::move(options)),
      host_(std::move(host)),
      port_(port),
      breaker_(options_.breaker) {}

Status NodeClient::Call(const NodeCall& call, const ResponseReader& reader) {
  Status last = Status::Unavailable("node " + options_.url + ": not tried");
  for (int attempt = 0; attempt <= options_.retries; ++attempt) {
    if (attempt > 0) {
      // Short: the breaker, not the backoff, is what protects a node that is down.
      std::this_thread::sleep_for(std::chrono::milliseconds(25 << std::min(attempt - 1, 3)));
    }
    if (!breaker_.Allow()) {
      return Status::Unavailable("node " + options_.url +
                                 ": circuit open after repeated failures (last: " + last.message() +
                                 ")");
    }
    bool reused = false;
    bool reusable = false;
    auto session = Acquire(&reused);
    Attempt a = Try(*session, call, reader, &reusable);
    if (a.node_failure && reused) {
      // Most likely a pooled connection the node closed while it sat idle: one more try on a
      // fresh connection before blaming the node.
      session = NewSession();
      reusable = false;
      a = Try(*session, call, reader, &reusable);
    }
    if (!a.node_failure) {
      breaker_.OnSuccess();
      if (reusable) Release(std::move(session));
      return a.status;
    }
    breaker_.OnFailure();
    DropIdle();  // a node that failed once has likely closed every connection
    last = a.status;
  }
  return last;
}

NodeClient::Attempt NodeClient::Try(HTTPClientSession& session, const NodeCall& call,
                                    const ResponseReader& reader, bool* reusable) {
  *reusable = false;
  try {
    HTTPRequest request(call.method, call.target, HTTPMessage::HTTP_1_1);
    const std::string date = std::to_string(static_cast<int64_t>(std::time(nullptr)));
    std::string length;
    if (call.body != nullptr) {
      request.setContentLength64(static_cast<Poco::Int64>(call.body->size()));
      // The node answers a shard it refuses (too large, bad drive) before the upload starts.
      request.setExpectContinue(true);
      length = std::to_string(call.body->size());
    }
    request.set(cluster::kDateHeader, date);
    request.set(cluster::kSignatureHeader,
                cluster::SignRequest(options_.cluster_secret, call.method, call.target, date,
                                     call.method == "PUT" ? length : ""));
    if (!call.range.empty()) request.set("Range", call.range);

    HTTPResponse response;
    std::ostream& out = session.sendRequest(request);
    bool body_sent = true;
    if (call.body != nullptr) {
      if (session.peekResponse(response)) {
        Status st = call.body->WriteTo(out);
        if (!st.ok()) return {false, st};  // our spool failed: not the node's fault
        out.flush();
        if (!out.good()) {
          return {true, Status::Unavailable("node " + options_.url + ": upload cut")};
        }
      } else {
        body_sent = false;  // refused before the upload: the connection cannot be reused
      }
    }
    std::istream& in = session.receiveResponse(response);
    const int status = response.getStatus();
    bool keep = response.getKeepAlive() && body_sent;
    const std::string error_header = response.get(cluster::kErrorHeader, "");
    if (!error_header.empty() || (status >= 400 && status != 416)) {
      const std::string body = ReadErrorBody(response, in, &keep);
      Status st = cluster::StatusOfResponse(status, error_header, body);
      if (error_header.empty() && status >= 500) {
        return {true, Status::Unavailable("node " + options_.url + ": " + st.message())};
      }
      *reusable = keep;
      return {false, st};
    }
    Status st = reader(response, in);
    if (st.code() == CAIRN_IO_ERROR) {
      return {true, Status::Unavailable("node " + options_.url + ": " + st.message())};
    }
    // Whatever the reader left unread would be parsed as the next response.
    *reusable = keep && in.peek() == std::char_traits<char>::eof();
    return {false, st};
  } catch (const Poco::Exception& e) {
    return {true, Status::Unavailable("node " + options_.url + ": " + e.displayText())};
  } catch (const std::exception& e) {
    return {true, Status::Unavailable("node " + options_.url + ": " + e.what())};
  }
}

std::unique_ptr<HTTPClientSession> NodeClient::NewSession() const {
  auto session = std::make_unique<HTTPClientSession>(host_, port_);
  session->setTimeout(Span(options_.connect_timeout), Span(options_.timeout),
                      Span(options_.timeout));
  session->setKeepAlive(true);
  session->setKeepAliveTimeout(kIdleLimit);
  return session;
}

std::unique_ptr<HTTPClientSession> NodeClient::Acquire(bool* reused) {
  {
    std::lock_guard<std::mutex> lock(pool_mu_);
    if (!idle_.empty()) {
      auto session = std::move(idle_.back());
      idle_.pop_back();
      *reused = true;
      return session;
    }
  }
  *reused = false;
  return NewSession();
}

void NodeClient::Release(std::unique_ptr<HTTPClientSession> session) {
  std::lock_guard<std::mutex> lock(pool_mu_);
  if (idle_.size() < kMaxIdleSessions) idle_.push_back(std::move(session));
}

void NodeClient::DropIdle() {
  std::vector<std::unique_ptr<HTTPClientSession>> dropped;
  std::lock_guard<std::mutex> lock(pool_mu_);
  dropped.swap(idle_);
}

}  // namespace cairn::transport
