// SharedEtcd: one single-node etcd for every test of meta_etcd_tests that does not need a
// cluster of its own. Started by a GoogleTest environment before the first test and killed
// after the last; each test isolates itself with its own key prefix. Not thread-safe.
#pragma once

#include <string>

#include "cairn/status.h"

namespace cairn::testing {

// The client URL of the shared etcd, or why it could not be started (tests then fail with it).
Result<std::string> SharedEtcdEndpoint();

// A key prefix no other test uses.
std::string UniquePrefix(const std::string& name);

}  // namespace cairn::testing
