// Runs the conformance suite on MemoryMetaStore, so that the suite itself is checked against
// the simplest possible engine.
#include "memory_meta_store.h"

#include <map>
#include <mutex>

#include "meta_conformance.h"

namespace cairn::testing {
namespace {

Result<std::unique_ptr<MetaStore>> OpenMemory(const std::string& dir) {
  // "Reopening" a directory hands back the state the previous instance committed.
  static std::mutex mu;
  static std::map<std::string, std::shared_ptr<MemoryMetaState>> states;
  std::lock_guard<std::mutex> lock(mu);
  auto& state = states[dir];
  if (!state) state = std::make_shared<MemoryMetaState>();
  return std::unique_ptr<MetaStore>(std::make_unique<MemoryMetaStore>(state));
}

INSTANTIATE_TEST_SUITE_P(Memory, MetaConformanceTest,
                         ::testing::Values(MetaEngine{"memory", OpenMemory}), MetaEngineName);

}  // namespace
}  // namespace cairn::testing
