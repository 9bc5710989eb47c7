// FaultPoints: crash or failure injection at the durability points of the data path, for the
// crash-recovery tests (tests/integration/test_crash_points.py). Armed only by the environment
// variable CAIRN_FAULT, never by configuration, and loudly logged when armed:
//
//   CAIRN_FAULT=trace                 log every point reached ("fault point meta_commit #3")
//   CAIRN_FAULT=<point>:<n>[:crash]   kill the process (SIGKILL) the n-th time <point> is reached
//   CAIRN_FAULT=<point>:<n>:fail      make that call fail instead (see each point)
//
// Points, in the order a write reaches them:
//   shard_commit     before a shard writer commits (fail: IOError, nothing committed)
//   shard_committed  after a shard commit succeeded (fail: IOError reported, shard is durable)
//   meta_commit      before a metadata transaction (fail: IOError, nothing written)
//   meta_committed   after a transaction was applied (fail: OutcomeUnknown, it was applied)
//   shard_remove     before a shard is deleted (fail: IOError, nothing deleted)
// Thread-safe.
#pragma once

#include <atomic>
#include <memory>
#include <string>

#include "cairn/status.h"

namespace cairn {

class FaultPoints {
 public:
  enum class Action { kContinue, kFail };

  // nullptr when CAIRN_FAULT is unset; an error when it is set but malformed.
  static Result<std::shared_ptr<FaultPoints>> FromEnvironment();

  // Called at each point: logs it when tracing, kills the process at the armed occurrence, or
  // tells the caller to fail the call.
  Action Reach(const char* point);

 private:
  bool trace_ = false;
  std::string point_;
  uint64_t occurrence_ = 0;
  bool crash_ = true;
  std::atomic<uint64_t> seen_{0};      // occurrences of point_
  std::atomic<uint64_t> traced_{0};    // every point, when tracing
};

}  // namespace cairn
