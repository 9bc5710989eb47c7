#include "admin_cli/admin_options.h"

#include <cstdlib>
#include <utility>

#include "util/clock.h"

namespace cairn::admin_cli {

namespace {

constexpr char kDefaultListen[] = "127.0.0.1:9000";
constexpr char kDefaultAccessKey[] = "cairnroot";
constexpr char kDefaultSecretKey[] = "cairnroot-secret";

struct Flags {
  std::optional<std::string> endpoint, access_key, secret_key, bucket, weight, at;
  bool now = false;
  bool force = false;
};

// Splits "--name=value" or takes the next word; advances *i past what it used.
Result<std::string> FlagValue(const std::vector<std::string>& args, size_t* i,
                              const std::string& name) {
  const std::string& word = args[*i];
  if (word.size() > name.size() && word[name.size()] == '=') return word.substr(name.size() + 1);
  if (*i + 1 >= args.size() || args[*i + 1].empty()) {
    return Status::InvalidArgument(name + " needs a value");
  }
  return args[++*i];
}

// ISO 8601 ("2027-01-31T00:00:00Z", "2027-01-31") or seconds since the epoch, to milliseconds.
std::optional<int64_t> ParseTime(const std::string& text) {
  if (!text.empty() && text.size() <= 12 && text.find_first_not_of("0123456789") == std::string::npos) {
    return std::stoll(text) * 1000;
  }
  return ParseIso8601(text);
}

std::string WithScheme(const std::string& endpoint) {
  if (endpoint.find("://") != std::string::npos) return endpoint;
  return "http://" + endpoint;
}

Result<AdminOptions> Interpret(const std::vector<std::string>& words, const Flags& flags) {
  AdminOptions o;
  o.now = flags.now;
  std::string cmd = words.empty() ? "help" : words[0];
  size_t expected = 1;
  if (cmd == "help") {
    o.command = AdminCommand::kHelp;
  } else if (cmd == "scrub") {
    o.command = AdminCommand::kScrub;
    o.bucket = flags.bucket.value_or("");
  } else if (cmd == "drives") {
    o.command = AdminCommand::kDrives;
  } else if (cmd == "repair") {
    o.command = AdminCommand::kRepair;
  } else if (cmd == "drive") {
    if (words.size() < 2 || words[1] != "replace") {
      return Status::InvalidArgument("usage: cairn admin drive replace <id> [--now]");
    }
    if (words.size() < 3 || words[2].empty()) {
      return Status::InvalidArgument(
          "drive replace needs the id of the drive (see cairn admin drives)");
    }
    o.command = AdminCommand::kDriveReplace;
    o.drive_id = words[2];
    expected = 3;
  } else if (cmd == "cluster") {
    const std::string sub = words.size() < 2 ? "" : words[1];
    expected = 2;
    if (sub == "status") {
      o.command = AdminCommand::kClusterStatus;
    } else if (sub == "rebalance") {
      o.command = AdminCommand::kRebalance;
    } else if (sub == "add-node") {
      if (words.size() < 3 || words[2].empty()) {
        return Status::InvalidArgument("cluster add-node needs the node's URL, e.g. "
                                       "http://10.0.0.5:9100");
      }
      o.command = AdminCommand::kAddNode;
      o.node_url = WithScheme(words[2]);
      expected = 3;
    } else if (sub == "drain-node" || sub == "undrain-node" || sub == "remove-node" ||
               sub == "set-weight") {
      if (words.size() < 3 || words[2].empty()) {
        return Status::InvalidArgument("cluster " + sub +
                                       " needs the node's name (see cairn admin cluster status)");
      }
      o.node = words[2];
      expected = 3;
      if (sub == "set-weight") {
        if (words.size() < 4 || words[3].empty()) {
          return Status::InvalidArgument("cluster set-weight needs the new weight, e.g. 2");
        }
        o.weight = words[3];
        expected = 4;
      }
      o.command = sub == "drain-node"     ? AdminCommand::kDrainNode
                  : sub == "undrain-node" ? AdminCommand::kUndrainNode
                  : sub == "remove-node"  ? AdminCommand::kRemoveNode
                                          : AdminCommand::kSetWeight;
    } else {
      return Status::InvalidArgument(
          "usage: cairn admin cluster status | add-node <url> [--weight W] | drain-node <name> | "
          "undrain-node <name> | set-weight <name> <weight> | remove-node <name> [--force] | "
          "rebalance");
    }
  } else if (cmd == "lifecycle") {
    const std::string sub = words.size() < 2 ? "" : words[1];
    expected = 2;
    if (sub == "status") {
      o.command = AdminCommand::kLifecycleStatus;
    } else if (sub == "run") {
      o.command = AdminCommand::kLifecycleRun;
    } else {
      return Status::InvalidArgument("usage: cairn admin lifecycle status | run --now [--at TIME]");
    }
  } else {
    return Status::InvalidArgument("unknown admin command '" + cmd + "'");
  }
  if (words.size() > expected) {
    return Status::InvalidArgument("unexpected argument '" + words[expected] + "'");
  }
  if (flags.bucket && o.command != AdminCommand::kScrub) {
    return Status::InvalidArgument("--bucket applies to scrub only");
  }
  if (flags.now && o.command != AdminCommand::kScrub && o.command != AdminCommand::kDriveReplace &&
      o.command != AdminCommand::kLifecycleRun) {
    return Status::InvalidArgument("--now applies to scrub, drive replace and lifecycle run only");
  }
  if (o.command == AdminCommand::kLifecycleRun && !flags.now) {
    return Status::InvalidArgument("lifecycle run needs --now (a pass runs at once and is reported)");
  }
  if (flags.at) {
    if (o.command != AdminCommand::kLifecycleRun) {
      return Status::InvalidArgument("--at applies to lifecycle run only");
    }
    auto at = ParseTime(*flags.at);
    if (!at) {
      return Status::InvalidArgument("--at takes a UTC time like 2027-01-31T00:00:00Z or "
                                     "seconds since the epoch");
    }
    o.at_ms = *at;
  }
  if (flags.weight && o.command != AdminCommand::kAddNode) {
    return Status::InvalidArgument("--weight applies to cluster add-node only");
  }
  if (flags.force && o.command != AdminCommand::kRemoveNode) {
    return Status::InvalidArgument("--force applies to cluster remove-node only");
  }
  if (flags.weight) o.weight = *flags.weight;
  o.force = flags.force;
  return o;
}

}  // namespace

std::optional<std::string> ProcessEnv(const char* name) {
  const char* v = std::getenv(name);
  if (v == nullptr || *v == '\0') return std::nullopt;
  return std::string(v);
}

Result<AdminOptions> ParseAdminArgs(const std::vector<std::string>& args, const EnvLookup& env) {
  Flags flags;
  std::vector<std::string> words;
  const std::pair<std::string, std::optional<std::string>*> valued[] = {
      {"--endpoint", &flags.endpoint},
      {"--access-key", &flags.access_key},
      {"--secret-key", &flags.secret_key},
      {"--bucket", &flags.bucket},
      {"--weight", &flags.weight},
      {"--at", &flags.at}};
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a == "--now") {
      flags.now = true;
      continue;
    }
    if (a == "--force") {
      flags.force = true;
      continue;
    }
    if (a == "-h" || a == "--help") return Interpret({"help"}, Flags{});
    bool matched = false;
    for (const auto& [name, target] : valued) {
      if (a != name && a.rfind(name + "=", 0) != 0) continue;
      auto value = FlagValue(args, &i, name);
      if (!value.ok()) return value.status();
      *target = std::move(value.value());
      matched = true;
      break;
    }
    if (matched) continue;
    if (a.size() > 1 && a[0] == '-') {
      // Only the name: the word may be a mistyped flag carrying a secret.
      return Status::InvalidArgument("unknown option '" + a.substr(0, a.find('=')) + "'");
    }
    words.push_back(a);
  }
  auto options = Interpret(words, flags);
  if (!options.ok()) return options;
  AdminOptions& o = options.value();
  if (flags.endpoint) {
    o.endpoint = WithScheme(*flags.endpoint);
  } else {
    o.endpoint = "http://" + env("CAIRN_LISTEN").value_or(kDefaultListen);
  }
  o.access_key = flags.access_key ? *flags.access_key
                                  : env("CAIRN_ROOT_ACCESS_KEY").value_or(kDefaultAccessKey);
  o.secret_key = flags.secret_key ? *flags.secret_key
                                  : env("CAIRN_ROOT_SECRET_KEY").value_or(kDefaultSecretKey);
  return options;
}

std::string AdminUsage() {
  return "usage: cairn admin <command> [options]\n"
         "commands:\n"
         "  scrub [--bucket B] [--now]   start a scrub pass (verify every shard, rebuild what is\n"
         "                               missing or corrupt, collect orphans); with --now, follow\n"
         "                               it (or the pass already running) to the end\n"
         "  drives                       list the drives: node, zone, health, space\n"
         "  drive replace <id> [--now]   rebuild every shard of a drive after its disk was\n"
         "                               replaced\n"
         "  repair                       show how many objects wait in the repair queue\n"
         "  cluster status               the storage nodes: zone, state, health, drives, weight,\n"
         "                               usage; and the rebalancer's progress\n"
         "  cluster add-node <url> [--weight W]\n"
         "                               add the storage node at <url> (it reports its name,\n"
         "                               zone and drives); the rebalancer moves shards to it\n"
         "  cluster drain-node <name>    stop placing shards on the node and move its shards away\n"
         "  cluster undrain-node <name>  make a draining node take shards again\n"
         "  cluster set-weight <name> <w>\n"
         "                               change the node's placement weight (default 1)\n"
         "  cluster remove-node <name> [--force]\n"
         "                               take a drained node out of the map; --force takes out a\n"
         "                               node that is gone for good (its shards are rebuilt from\n"
         "                               parity by the scrubber)\n"
         "  cluster rebalance            start a rebalance pass now (passes also follow every\n"
         "                               map change, a healed failure, and the interval)\n"
         "  lifecycle status             the last lifecycle pass: what it did, its last error,\n"
         "                               and how many keys are due now\n"
         "  lifecycle run --now [--at TIME]\n"
         "                               run a lifecycle pass now and report it; --at evaluates\n"
         "                               as if it were TIME (2027-01-31T00:00:00Z or epoch seconds)\n"
         "options:\n"
         "  --endpoint URL               the server (default http://$CAIRN_LISTEN, else\n"
         "                               http://127.0.0.1:9000)\n"
         "  --access-key KEY             root credentials (default $CAIRN_ROOT_ACCESS_KEY and\n"
         "  --secret-key SECRET          $CAIRN_ROOT_SECRET_KEY, else the server's defaults)\n"
         "exit status: 0 done; 1 a pass left objects unrecoverable or reported errors, or could\n"
         "not start because another pass is running; 2 usage error, server unreachable or\n"
         "request refused.\n";
}

}  // namespace cairn::admin_cli
