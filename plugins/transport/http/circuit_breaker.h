// CircuitBreaker: stops calling a node that keeps failing. After `failures` consecutive
// failures the circuit opens for `open_for`: calls fail fast and the node's drives report
// unhealthy. Then one caller is let through as a half-open probe; its success closes the
// circuit, its failure opens it again for another `open_for`.
// Thread-safe.
#pragma once

#include <chrono>
#include <mutex>

namespace cairn::transport {

class CircuitBreaker {
 public:
  struct Options {
    int failures = 5;
    std::chrono::milliseconds open_for{5000};
  };
  explicit CircuitBreaker(Options options) : options_(options) {}

  // Whether a call may go to the node now. A caller that gets true must report the outcome
  // with OnSuccess or OnFailure (the half-open probe waits for it).
  bool Allow();
  void OnSuccess();
  void OnFailure();
  // True from the moment the circuit opens until a probe succeeds.
  bool IsOpen() const;

 private:
  enum class State { kClosed, kOpen, kHalfOpen };
  using Clock = std::chrono::steady_clock;

  const Options options_;
  mutable std::mutex mu_;
  State state_ = State::kClosed;  // guarded by mu_
  int consecutive_failures_ = 0;  // guarded by mu_
  Clock::time_point open_until_;  // guarded by mu_
  bool probe_in_flight_ = false;  // guarded by mu_
};

}  // namespace cairn::transport
