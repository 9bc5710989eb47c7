// The `cairn admin` subcommands, over an AdminClient and a console, so that they run the same
// against a server or a scripted fake. Each returns the process exit status.
#pragma once

#include <functional>
#include <ostream>

#include "admin_cli/admin_client.h"
#include "admin_cli/admin_options.h"

namespace cairn::admin_cli {

inline constexpr int kExitOk = 0;
// A pass left objects unrecoverable or reported errors, or could not start.
inline constexpr int kExitFailed = 1;
// Usage error, server unreachable, request refused, or a reply that makes no sense.
inline constexpr int kExitError = 2;

// How often --now asks the server for progress.
inline constexpr int kPollMillis = 500;

struct Console {
  std::ostream& out;
  std::ostream& err;
  bool tty = false;                       // draw a progress bar rather than lines
  std::function<void(int millis)> sleep;  // between polls
};

// REQUIRES: options.command is not kHelp.
int RunAdminCommand(AdminClient& api, const AdminOptions& options, Console& console);

}  // namespace cairn::admin_cli
