// The command line of `cairn admin`: which subcommand, its arguments, and where the server is.
// Endpoint and credentials come from flags, else from the same environment variables that
// script/server configures the server with, else from the server's defaults. Pure functions.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "cairn/status.h"

namespace cairn::admin_cli {

enum class AdminCommand {
  kHelp,
  kScrub,
  kDrives,
  kDriveReplace,
  kRepair,
  kClusterStatus,
  kAddNode,
  kDrainNode,
  kRemoveNode,
  kRebalance,
  kUndrainNode,
  kSetWeight,
  kLifecycleStatus,
  kLifecycleRun,
};

struct AdminOptions {
  AdminCommand command = AdminCommand::kHelp;
  std::string bucket;    // scrub: limit the pass to this bucket ("" = every bucket)
  std::string drive_id;  // drive replace
  std::string node_url;  // cluster add-node
  std::string weight;    // cluster add-node --weight ("" = the server's default, 1), set-weight
  std::string node;      // cluster drain-node / remove-node
  bool force = false;    // cluster remove-node --force
  bool now = false;      // follow the pass until it ends, then summarize
  int64_t at_ms = -1;    // lifecycle run --at: evaluate as if it were then (-1: now)
  std::string endpoint;  // "http://host:port"
  std::string access_key;
  std::string secret_key;
};

// The value of an environment variable, or nullopt when unset or empty.
using EnvLookup = std::function<std::optional<std::string>(const char* name)>;
// Reads the process environment.
std::optional<std::string> ProcessEnv(const char* name);

// `args` are the words after `cairn admin`. InvalidArgument, with a message fit for the user
// (never containing the secret), when they do not form a command.
Result<AdminOptions> ParseAdminArgs(const std::vector<std::string>& args, const EnvLookup& env);

std::string AdminUsage();

}  // namespace cairn::admin_cli
