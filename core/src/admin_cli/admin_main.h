// `cairn admin ...`: the operator's client for the server's admin API (scrub, drives, drive
// replacement, repair queue). See AdminUsage() in admin_options.h for the commands.
#pragma once

namespace cairn {

// `argv` as main() received it, with argv[1] == "admin"; argv + 1 (argv[0] == "admin") works
// too. Returns the process exit status (0 done, 1 pass failed or did not start, 2 error).
int AdminMain(int argc, char** argv);

}  // namespace cairn
