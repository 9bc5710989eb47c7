// SessionPool: keep-alive HTTP sessions to each etcd endpoint, reused across requests so that a
// metadata operation does not pay a TCP handshake. Thread-safe: a session is owned by one caller
// between Acquire and Release; the idle lists are guarded by one mutex.
#pragma once

#include <Poco/Net/HTTPClientSession.h>

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn::meta::etcd {

struct Endpoint {
  std::string url;  // as configured, for messages
  std::string host;
  uint16_t port = 0;
};

// Parses "http://host:port" (the port defaults to 2379). https is refused: the plugin does not
// link an SSL session yet, and silently talking plain HTTP to a TLS port would be worse.
Result<Endpoint> ParseEndpoint(const std::string& url);

class SessionPool {
 public:
  explicit SessionPool(std::vector<Endpoint> endpoints);
  SessionPool(const SessionPool&) = delete;
  SessionPool& operator=(const SessionPool&) = delete;

  size_t size() const { return endpoints_.size(); }
  const Endpoint& endpoint(size_t index) const { return endpoints_[index]; }

  // An idle session to endpoint `index`, or a new (unconnected) one. Never null.
  std::unique_ptr<Poco::Net::HTTPClientSession> Acquire(size_t index);
  // A new, unconnected session to endpoint `index`. Never null.
  std::unique_ptr<Poco::Net::HTTPClientSession> Fresh(size_t index) const;
  // Gives back a session whose last response was read completely and may be reused. A session
  // that failed mid-request is simply dropped by its owner instead.
  void Release(size_t index, std::unique_ptr<Poco::Net::HTTPClientSession> session);

 private:
  static constexpr size_t kMaxIdlePerEndpoint = 8;

  const std::vector<Endpoint> endpoints_;
  std::mutex mu_;
  std::vector<std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>>> idle_;  // guarded by mu_
};

}  // namespace cairn::meta::etcd
