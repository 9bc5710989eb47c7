// TestNode: an in-process `cairn node` on a loopback port, built the way NodeMain builds one
// (NodeConfig text -> StorageNode, transport/local loaded from the plugin directory), serving
// drives d0..d<n-1> under a data directory. Restart() brings it back on the same port with the
// same drives. Not thread-safe.
#pragma once

#include <gtest/gtest.h>

#include <filesystem>
#include <memory>
#include <string>

#include "node/node_config.h"
#include "node/storage_node.h"
#include "temp_dir.h"

namespace cairn::testing {

struct TestNodeOptions {
  std::string data_dir;
  int drives = 2;
  std::string secret = "test-cluster-secret";
  std::string name = "node-a";
  std::string zone = "zone-b";
  uint64_t max_body_bytes = 1ull << 30;
  uint16_t port = 0;
};

class TestNode {
 public:
  explicit TestNode(TestNodeOptions options) : options_(std::move(options)) {
    // Only transport/local: the node must not depend on what else a build directory holds.
    std::filesystem::create_symlink(std::string(CAIRN_TEST_PLUGIN_DIR) + "/transport_local.so",
                                    plugins_.Sub("transport_local.so"));
  }
  ~TestNode() { Stop(); }

  // Starts (or restarts, on the port of the first start) the node.
  Status Start() {
    std::string drives;
    for (int i = 0; i < options_.drives; ++i) {
      drives += (i ? ", " : "") + std::string("\"d") + std::to_string(i) + "\"";
    }
    const std::string text =
        "[node]\nlisten = \"127.0.0.1:" + std::to_string(options_.port) + "\"\nname = \"" +
        options_.name + "\"\nzone = \"" + options_.zone + "\"\ncluster_secret = \"" +
        options_.secret + "\"\ndata_dir = \"" + options_.data_dir +
        "\"\nmax_body_bytes = " + std::to_string(options_.max_body_bytes) +
        "\ntimeout_seconds = 5\n" +
        "[transport]\nengine = \"local\"\n[transport.local]\ndrives = [" + drives + "]\n";
    auto config = ParseNodeConfig(text, options_.data_dir + "/node.toml");
    if (!config.ok()) return config.status();
    CAIRN_RETURN_IF_ERROR(CheckNodeConfig(config.value()));
    auto node = StorageNode::Build(std::move(config.value()), plugins_.path());
    if (!node.ok()) return node.status();
    CAIRN_RETURN_IF_ERROR(node.value()->Start());
    node_ = std::move(node.value());
    options_.port = node_->port();
    return Status::Ok();
  }
  void Stop() { node_.reset(); }

  uint16_t port() const { return options_.port; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(options_.port); }
  const TestNodeOptions& options() const { return options_; }

 private:
  TestNodeOptions options_;
  ScopedTempDir plugins_;
  std::unique_ptr<StorageNode> node_;
};

}  // namespace cairn::testing
