// NodeClient: signed HTTP calls to one storage node (`cairn node`), over a pool of keep-alive
// connections, with retries and a circuit breaker.
//
// What counts as a node failure (retried, and counted by the breaker): a connection that cannot
// be made, a timeout, a body cut short, a 5xx without X-Cairn-Error (not the node speaking).
// An error the node reports (X-Cairn-Error: a missing shard, a broken drive, a bad signature)
// is an answer: returned as is, never retried. Every call the node serves is safe to repeat:
// reads, deletes and shard PUTs (a shard is immutable and committed atomically), so failed
// attempts are retried from the start, up to `retries` more times.
//
// Thread-safe; the pool and the breaker carry their own mutexes.
#pragma once

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPResponse.h>

#include <chrono>
#include <functional>
#include <istream>
#include <memory>
#include <mutex>
#include <ostream>
#include <string>
#include <vector>

#include "cairn/status.h"
#include "circuit_breaker.h"

namespace cairn::transport {

// A request body that can be sent more than once (each attempt starts over).
class RequestBody {
 public:
  virtual ~RequestBody() = default;
  virtual uint64_t size() const = 0;
  // Writes all size() bytes. A non-OK result is a local failure (not the node's).
  virtual Status WriteTo(std::ostream& out) const = 0;
};

struct NodeCall {
  std::string method;
  std::string target;                 // path?query, already percent-encoded; signed as is
  std::string range;                  // a Range header value, or empty
  const RequestBody* body = nullptr;  // PUT only; not owned
};

// Reads a successful (2xx or 416) response. It must consume the whole body; returning
// IOError says the body was cut short (a node failure, retried).
using ResponseReader = std::function<Status(const Poco::Net::HTTPResponse&, std::istream&)>;

struct NodeClientOptions {
  std::string url;  // http://host:port
  std::string cluster_secret;
  std::chrono::milliseconds timeout{10000};
  std::chrono::milliseconds connect_timeout{2000};
  int retries = 2;
  CircuitBreaker::Options breaker;
};

class NodeClient {
 public:
  // InvalidArgument for a URL that is not http://host[:port].
  static Result<std::unique_ptr<NodeClient>> Create(NodeClientOptions options);

  // Runs the call; the node's error answers come back as their Status, node failures as
  // Unavailable (fast, without a connection attempt, while the circuit is open).
  Status Call(const NodeCall& call, const ResponseReader& reader);
  // False while the circuit is open: the node's drives are reported unhealthy.
  bool Healthy() const { return !breaker_.IsOpen(); }
  const std::string& url() const { return options_.url; }

 private:
  struct Attempt {
    bool node_failure = false;
    Status status;
  };
  NodeClient(NodeClientOptions options, std::string host, uint16_t port);

  Attempt Try(Poco::Net::HTTPClientSession& session, const NodeCall& call,
              const ResponseReader& reader, bool* reusable);
  std::unique_ptr<Poco::Net::HTTPClientSession> NewSession() const;
  std::unique_ptr<Poco::Net::HTTPClientSession> Acquire(bool* reused);
  void Release(std::unique_ptr<Poco::Net::HTTPClientSession> session);
  void DropIdle();

  const NodeClientOptions options_;
  const std::string host_;
  const uint16_t port_;
  CircuitBreaker breaker_;
  std::mutex pool_mu_;
  std::vector<std::unique_ptr<Poco::Net::HTTPClientSession>> idle_;  // guarded by pool_mu_
};

}  // namespace cairn::transport
