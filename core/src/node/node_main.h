// `cairn node --config FILE`: runs a storage node until SIGINT or SIGTERM.
// Environment: CAIRN_CLUSTER_SECRET (overrides node.cluster_secret), CAIRN_DATA (node.data_dir),
// CAIRN_LISTEN (node.listen).
#pragma once

namespace cairn {

// `argv` as main() received it: argv[1] may be "node" (the subcommand) and is then skipped.
// Returns the process exit code.
int NodeMain(int argc, char** argv);

}  // namespace cairn
