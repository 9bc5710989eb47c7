#include "fault/fault_points.h"

#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <set>

#include "util/log.h"

namespace cairn {

Result<std::shared_ptr<FaultPoints>> FaultPoints::FromEnvironment() {
  const char* env = std::getenv("CAIRN_FAULT");
  if (env == nullptr || *env == '\0') return std::shared_ptr<FaultPoints>();
  auto f = std::make_shared<FaultPoints>();
  std::string spec = env;
  if (spec == "trace") {
    f->trace_ = true;
  } else {
    static const std::set<std::string> kPoints = {"shard_commit", "shard_committed",
                                                  "meta_commit", "meta_committed",
                                                  "shard_remove"};
    size_t c1 = spec.find(':');
    size_t c2 = c1 == std::string::npos ? c1 : spec.find(':', c1 + 1);
    f->point_ = spec.substr(0, c1);
    std::string n = c1 == std::string::npos ? "" : spec.substr(c1 + 1, c2 - c1 - 1);
    std::string action = c2 == std::string::npos ? "crash" : spec.substr(c2 + 1);
    if (!kPoints.count(f->point_) || n.empty() ||
        n.find_first_not_of("0123456789") != std::string::npos || n.size() > 9 ||
        (action != "crash" && action != "fail")) {
      return Status::InvalidArgument("CAIRN_FAULT must be 'trace' or <point>:<n>[:crash|:fail] "
                                     "with a point of shard_commit, shard_committed, meta_commit, "
                                     "meta_committed, shard_remove; got '" + spec + "'");
    }
    f->occurrence_ = std::stoull(n);
    f->crash_ = action == "crash";
  }
  LogWarn("fault", "*** FAULT INJECTION ARMED (CAIRN_FAULT=" + spec + "): for tests only ***");
  return f;
}

FaultPoints::Action FaultPoints::Reach(const char* point) {
  if (trace_) {
    LogInfo("fault", std::string("fault point ") + point + " #" + std::to_string(++traced_));
    return Action::kContinue;
  }
  if (point_ != point || ++seen_ != occurrence_) return Action::kContinue;
  if (crash_) {
    LogWarn("fault", std::string("crashing at ") + point + " #" + std::to_string(occurrence_));
    ::kill(::getpid(), SIGKILL);
    ::_exit(137);  // not reached
  }
  LogWarn("fault", std::string("failing at ") + point + " #" + std::to_string(occurrence_));
  return Action::kFail;
}

}  // namespace cairn
