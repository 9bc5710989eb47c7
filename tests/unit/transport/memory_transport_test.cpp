// Runs the conformance suite on MemoryTransport, the in-memory transport for core tests.
#include "memory_transport.h"

#include "transport_conformance.h"

namespace cairn::testing {
namespace {

INSTANTIATE_TEST_SUITE_P(
    Memory, TransportConformanceTest,
    ::testing::Values(TransportEngine{
        "memory", [](const std::string&) { return std::make_unique<MemoryTransport>(3); },
        [](Transport& t, const std::string&, size_t index) {
          static_cast<MemoryTransport&>(t).SetHealthy("mem-" + std::to_string(index), false);
        },
        /*persistent=*/false}),
    TransportEngineName);

}  // namespace
}  // namespace cairn::testing
