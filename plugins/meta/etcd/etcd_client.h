// EtcdClient: one JSON request to etcd's v3 HTTP gateway (POST /v3/...), with failover across
// the configured endpoints.
//
// The rule that matters: a request is retried on another endpoint only when it certainly was
// not applied (the connection could not be made or the body not sent, or etcd refused it before
// proposing it, e.g. "no leader"). A write that failed after it was sent (a timeout, a dropped
// connection, etcd's own proposal timeout) may have been applied: it is reported as
// CAIRN_OUTCOME_UNKNOWN ("outcome unknown"), never retried blindly and never reported as
// success. Writes that certainly were not applied fail with CAIRN_UNAVAILABLE. Reads are
// idempotent and are retried on any transient failure.
//
// Every request carries the gRPC metadata "hasleader: true", so that a member cut off from the
// leader answers "no leader" at once instead of holding the request until its own timeout.
//
// Thread-safe: sessions come from a mutex-protected pool; the preferred endpoint is atomic.
#pragma once

#include <Poco/JSON/Object.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "cairn/status.h"
#include "session_pool.h"

namespace cairn::meta::etcd {

// Whether a request may be repeated after an unknown outcome.
enum class Effect { kRead, kWrite };

class EtcdClient {
 public:
  // REQUIRES: timeout > 0. Fails with INVALID_ARGUMENT on an empty or malformed endpoint list.
  static Result<std::unique_ptr<EtcdClient>> Create(const std::vector<std::string>& endpoints,
                                                    std::chrono::milliseconds timeout);

  // Posts `body` (a JSON object) to `path` (e.g. "/v3/kv/range"), trying endpoints in turn
  // until one answers or the timeout passes, and returns etcd's answer.
  Result<Poco::JSON::Object::Ptr> Call(std::string_view path, const std::string& body,
                                       Effect effect);

  const SessionPool& pool() const { return pool_; }

 private:
  enum class Outcome {
    kOk,          // etcd answered 200 with a JSON object
    kNotApplied,  // certainly not applied: try another endpoint
    kUnknown,     // sent, then no usable answer: may have been applied
    kRejected,    // etcd answered with an error that another endpoint would repeat
  };
  struct Attempt {
    Outcome outcome = Outcome::kUnknown;
    Status status;
    Poco::JSON::Object::Ptr answer;
  };

  EtcdClient(std::vector<Endpoint> endpoints, std::chrono::milliseconds timeout)
      : pool_(std::move(endpoints)), timeout_(timeout) {}

  Attempt PostOnce(size_t index, std::string_view path, const std::string& body,
                   std::chrono::milliseconds budget);
  static Attempt Classify(const Endpoint& ep, int http_status, const std::string& text);

  SessionPool pool_;
  const std::chrono::milliseconds timeout_;
  // The endpoint that answered last; requests start there so that a dead member costs one
  // refused connection, not one per request.
  std::atomic<size_t> preferred_{0};
};

}  // namespace cairn::meta::etcd
