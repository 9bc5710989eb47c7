#include "admin_cli/admin_main.h"

#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <iostream>
#include <string>
#include <thread>
#include <vector>

#include "admin_cli/admin_client.h"
#include "admin_cli/admin_commands.h"
#include "admin_cli/admin_options.h"

namespace cairn {

int AdminMain(int argc, char** argv) {
  using namespace admin_cli;
  int first = (argc > 1 && std::string(argv[1]) == "admin") ? 2 : 1;
  std::vector<std::string> args(argv + std::min(first, argc), argv + argc);
  auto options = ParseAdminArgs(args, ProcessEnv);
  if (!options.ok()) {
    std::cerr << "cairn admin: " << options.status().message() << "\n\n" << AdminUsage();
    return kExitError;
  }
  if (options->command == AdminCommand::kHelp) {
    std::cout << AdminUsage();
    return kExitOk;
  }
  auto api = HttpAdminClient::Create(options->endpoint, options->access_key, options->secret_key);
  if (!api.ok()) {
    std::cerr << "cairn admin: " << api.status().message() << "\n";
    return kExitError;
  }
  Console console{std::cout, std::cerr, isatty(STDOUT_FILENO) != 0, [](int millis) {
                    std::this_thread::sleep_for(std::chrono::milliseconds(millis));
                  }};
  return RunAdminCommand(*api.value(), options.value(), console);
}

}  // namespace cairn
