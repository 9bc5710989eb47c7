#include "circuit_breaker.h"

namespace cairn::transport {

bool CircuitBreaker::Allow() {
  std::lock_guard<std::mutex> lock(mu_);
  switch (state_) {
    case State::kClosed:
      return true;
    case State::kOpen:
      if (Clock::now() < open_until_) return false;
      state_ = State::kHalfOpen;
      probe_in_flight_ = true;
      return true;
    case State::kHalfOpen:
      if (probe_in_flight_) return false;
      probe_in_flight_ = true;
      return true;
  }
  return false;
}

void CircuitBreaker::OnSuccess() {
  std::lock_guard<std::mutex> lock(mu_);
  state_ = State::kClosed;
  consecutive_failures_ = 0;
  probe_in_flight_ = false;
}

void CircuitBreaker::OnFailure() {
  std::lock_guard<std::mutex> lock(mu_);
  ++consecutive_failures_;
  if (state_ == State::kHalfOpen || consecutive_failures_ >= options_.failures) {
    state_ = State::kOpen;
    open_until_ = Clock::now() + options_.open_for;
    probe_in_flight_ = false;
  }
}

bool CircuitBreaker::IsOpen() const {
  std::lock_guard<std::mutex> lock(mu_);
  return state_ != State::kClosed;
}

}  // namespace cairn::transport
