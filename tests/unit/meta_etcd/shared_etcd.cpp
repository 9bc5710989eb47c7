#include "shared_etcd.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <iostream>
#include <memory>

#include "etcd_cluster.h"

namespace cairn::testing {
namespace {

class SharedEtcdEnvironment : public ::testing::Environment {
 public:
  void SetUp() override {
    const auto start = std::chrono::steady_clock::now();
    auto cluster = EtcdCluster::Start(1);
    if (!cluster.ok()) {
      error_ = cluster.status();
      ADD_FAILURE() << "cannot start the shared etcd: " << error_.ToString();
      return;
    }
    cluster_ = std::move(cluster.value());
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    std::cout << "[ etcd     ] single node at " << cluster_->Endpoints()[0] << " (started in "
              << ms.count() << " ms)" << std::endl;
  }
  void TearDown() override { cluster_.reset(); }

  Result<std::string> Endpoint() const {
    if (cluster_) return cluster_->Endpoints()[0];
    if (!error_.ok()) return error_;
    return Status::Unavailable("the shared etcd environment was not set up");
  }

 private:
  std::unique_ptr<EtcdCluster> cluster_;
  Status error_;
};

// Owned by GoogleTest once registered.
SharedEtcdEnvironment* const g_environment = static_cast<SharedEtcdEnvironment*>(
    ::testing::AddGlobalTestEnvironment(new SharedEtcdEnvironment));

}  // namespace

Result<std::string> SharedEtcdEndpoint() { return g_environment->Endpoint(); }

std::string UniquePrefix(const std::string& name) {
  static std::atomic<int> counter{0};
  return "cairn-test/" + std::to_string(getpid()) + "/" + name + "/" + std::to_string(counter++) +
         "/";
}

}  // namespace cairn::testing
