#include "session_pool.h"

#include <Poco/Exception.h>
#include <Poco/Net/Socket.h>
#include <Poco/URI.h>

namespace cairn::meta::etcd {
namespace {

constexpr uint16_t kDefaultEtcdPort = 2379;

// A kept-alive connection the server has since closed (or written to unasked) must not carry
// the next request: the request would fail after being "sent", which for a commit would make
// its outcome needlessly ambiguous.
bool IdleSessionIsUsable(Poco::Net::HTTPClientSession& session) {
  try {
    if (!session.connected()) return true;  // it reconnects on the next request
    return !session.socket().poll(Poco::Timespan(0),
                                  Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR);
  } catch (const Poco::Exception&) {
    return false;
  }
}

}  // namespace

Result<Endpoint> ParseEndpoint(const std::string& url) {
  try {
    Poco::URI uri(url);
    if (uri.getScheme() != "http") {
      return Status::InvalidArgument("etcd endpoint '" + url +
                                     "': only http:// endpoints are supported");
    }
    if (uri.getHost().empty()) {
      return Status::InvalidArgument("etcd endpoint '" + url + "' has no host");
    }
    if (!uri.getPath().empty() && uri.getPath() != "/") {
      return Status::InvalidArgument("etcd endpoint '" + url + "' must not have a path");
    }
    Endpoint out;
    out.url = url;
    out.host = uri.getHost();
    // getPort() would report http's 80 when none is given; etcd's well-known port is 2379.
    out.port = uri.getSpecifiedPort() != 0 ? uri.getSpecifiedPort() : kDefaultEtcdPort;
    return out;
  } catch (const Poco::Exception& e) {
    return Status::InvalidArgument("etcd endpoint '" + url + "' is not a URL: " + e.displayText());
  }
}

SessionPool::SessionPool(std::vector<Endpoint> endpoints)
    : endpoints_(std::move(endpoints)), idle_(endpoints_.size()) {}

std::unique_ptr<Poco::Net::HTTPClientSession> SessionPool::Acquire(size_t index) {
  while (true) {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    {
      std::lock_guard<std::mutex> lock(mu_);
      auto& idle = idle_[index];
      if (idle.empty()) break;
      session = std::move(idle.back());
      idle.pop_back();
    }
    if (IdleSessionIsUsable(*session)) return session;
  }
  return Fresh(index);
}

std::unique_ptr<Poco::Net::HTTPClientSession> SessionPool::Fresh(size_t index) const {
  const Endpoint& ep = endpoints_[index];
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(ep.host, ep.port);
  session->setKeepAlive(true);
  return session;
}

void SessionPool::Release(size_t index, std::unique_ptr<Poco::Net::HTTPClientSession> session) {
  std::lock_guard<std::mutex> lock(mu_);
  auto& idle = idle_[index];
  if (idle.size() < kMaxIdlePerEndpoint) idle.push_back(std::move(session));
}

}  // namespace cairn::meta::etcd
