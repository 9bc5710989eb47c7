// The cairn binary: `cairn serve` runs the S3 gateway, `cairn node` a storage node, `cairn admin`
// talks to a running gateway, `cairn bench` loads any S3 endpoint, `cairn version` prints the version.
#include <signal.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <iostream>
#include <string>

#include "admin_cli/admin_main.h"
#include "bench/bench_main.h"
#include "node/node_main.h"
#include "server/node_assembly.h"
#include "util/crash_report.h"
#include "util/log.h"
#include "util/process_env.h"

namespace {

constexpr const char* kDefaultRootAccessKey = "cairnroot";
constexpr const char* kDefaultRootSecretKey = "cairnroot-secret";

int Usage() {
  std::cerr << "usage: cairn serve [--config FILE]   run the S3 gateway (default conf/cairn.toml)\n"
               "       cairn admin scrub [--bucket B] [--now] | drives | drive replace ID [--now] | repair\n"
               "       cairn bench --endpoint URL --access-key K --secret-key S [--size 4KiB]\n"
               "             [--concurrency 16] [--duration 10s] [--workload put|get|mixed|list|delete]\n"
               "       cairn node [--config FILE]    run a storage node serving its drives over HTTP\n"
               "       cairn version\n"
               "environment: CAIRN_LISTEN (host:port), CAIRN_DATA (data directory),\n"
               "             CAIRN_ROOT_ACCESS_KEY, CAIRN_ROOT_SECRET_KEY (root credentials)\n";
  return 2;
}

int Serve(int argc, char** argv) {
  std::string config_path = "conf/cairn.toml";
  for (int i = 2; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--config" && i + 1 < argc) {
      config_path = argv[++i];
    } else {
      return Usage();
    }
  }
  auto config = cairn::LoadConfig(config_path);
  if (!config.ok()) {
    std::cerr << "cairn: configuration error: " << config.status().message() << "\n";
    return 1;
  }
  config->server.listen = cairn::EnvOr("CAIRN_LISTEN", config->server.listen);
  config->server.data_dir = cairn::EnvOr("CAIRN_DATA", config->server.data_dir);
  cairn::RootCredential root{cairn::EnvOr("CAIRN_ROOT_ACCESS_KEY", kDefaultRootAccessKey),
                             cairn::EnvOr("CAIRN_ROOT_SECRET_KEY", kDefaultRootSecretKey)};
  if (root.access_key == kDefaultRootAccessKey || root.secret_key == kDefaultRootSecretKey) {
    cairn::LogWarn("cairn",
                   "*** THE DEFAULT ROOT CREDENTIALS ARE IN USE: anyone who can reach this "
                   "server can read and write everything. Set CAIRN_ROOT_ACCESS_KEY and "
                   "CAIRN_ROOT_SECRET_KEY. ***");
  }

  // Block the stop signals before any thread starts so that only sigwait sees them.
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);
  signal(SIGPIPE, SIG_IGN);

  auto node = cairn::NodeAssembly::Build(std::move(config.value()), root,
                                         cairn::ExecutableDir() + "/plugins");
  if (!node.ok()) {
    std::cerr << "cairn: cannot start: " << node.status().message() << "\n";
    return 1;
  }
  cairn::Status st = node.value()->Serve();
  if (!st.ok()) {
    std::cerr << "cairn: cannot start: " << st.message() << "\n";
    return 1;
  }
  cairn::LogInfo("cairn", "S3 endpoint listening on http://" + node.value()->config().server.listen +
                              " (data in " + node.value()->config().server.data_dir + ")");
  int sig = 0;
  sigwait(&stop, &sig);
  cairn::LogInfo("cairn", std::string("stopping on ") + (sig == SIGINT ? "SIGINT" : "SIGTERM"));
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  cairn::InstallCrashReports();
  if (argc < 2) return Usage();
  std::string cmd = argv[1];
  if (cmd == "serve") return Serve(argc, argv);
  if (cmd == "admin") return cairn::AdminMain(argc, argv);
  if (cmd == "node") return cairn::NodeMain(argc, argv);
  if (cmd == "bench") return cairn::BenchMain(argc, argv);
  if (cmd == "version" || cmd == "--version") {
    std::cout << "cairn 0.1.0 (plugin ABI " << CAIRN_ABI_MAJOR << "." << CAIRN_ABI_MINOR << ")\n";
    return 0;
  }
  return Usage();
}
