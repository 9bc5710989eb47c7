#include "node/node_main.h"

#include <pthread.h>
#include <signal.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "node/storage_node.h"
#include "util/log.h"
#include "util/process_env.h"

namespace cairn {
namespace {

int Usage() {
  std::cerr << "usage: cairn node --config FILE   run a storage node serving its drives\n"
               "environment: CAIRN_CLUSTER_SECRET (shared with the gateways), CAIRN_DATA (data\n"
               "             directory), CAIRN_LISTEN (host:port)\n";
  return 2;
}

}  // namespace

int NodeMain(int argc, char** argv) {
  int first = 1;
  if (argc > 1 && std::string(argv[1]) == "node") first = 2;
  std::string config_path;
  for (int i = first; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      return Usage();
    }
  }
  if (config_path.empty()) return Usage();
  auto config = LoadNodeConfig(config_path);
  if (!config.ok()) {
    std::cerr << "cairn node: configuration error: " << config.status().message() << "\n";
    return 1;
  }
  config->cluster_secret = EnvOr("CAIRN_CLUSTER_SECRET", config->cluster_secret);
  config->data_dir = EnvOr("CAIRN_DATA", config->data_dir);
  config->listen = EnvOr("CAIRN_LISTEN", config->listen);
  Status checked = CheckNodeConfig(config.value());
  if (!checked.ok()) {
    std::cerr << "cairn node: configuration error: " << checked.message() << "\n";
    return 1;
  }

  // Block the stop signals before any thread starts so that only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto node = StorageNode::Build(std::move(config.value()), ExecutableDir() + "/plugins");
  if (!node.ok()) {
    std::cerr << "cairn node: cannot start: " << node.status().message() << "\n";
    return 1;
  }
  Status st = node.value()->Start();
  if (!st.ok()) {
    std::cerr << "cairn node: cannot start: " << st.message() << "\n";
    return 1;
  }
  const NodeConfig& cfg = node.value()->config();
  LogInfo("node", "serving drives on http://" + cfg.listen + " (port " +
                      std::to_string(node.value()->port()) + ", data in " + cfg.data_dir + ")");
  int sig = 0;
  sigwait(&stop, &sig);
  LogInfo("node", std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  node.value()->Stop();
  return 0;
}

}  // namespace cairn
