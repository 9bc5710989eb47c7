#include "admin_cli/admin_options.h"

#include <gtest/gtest.h>

#include <map>

namespace cairn::admin_cli {
namespace {

EnvLookup Env(std::map<std::string, std::string> vars = {}) {
  return [vars](const char* name) -> std::optional<std::string> {
    auto it = vars.find(name);
    if (it == vars.end()) return std::nullopt;
    return it->second;
  };
}

Result<AdminOptions> Parse(std::vector<std::string> args, const EnvLookup& env = Env()) {
  return ParseAdminArgs(args, env);
}

TEST(AdminOptions, Defaults) {
  auto o = Parse({"scrub"});
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->command, AdminCommand::kScrub);
  EXPECT_EQ(o->bucket, "");
  EXPECT_FALSE(o->now);
  EXPECT_EQ(o->endpoint, "http://127.0.0.1:9000");
  EXPECT_EQ(o->access_key, "cairnroot");
  EXPECT_EQ(o->secret_key, "cairnroot-secret");
}

TEST(AdminOptions, EnvironmentLikeScriptServer) {
  auto o = Parse({"drives"}, Env({{"CAIRN_LISTEN", "0.0.0.0:9100"},
                                  {"CAIRN_ROOT_ACCESS_KEY", "ops"},
                                  {"CAIRN_ROOT_SECRET_KEY", "s3cr3t"}}));
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->command, AdminCommand::kDrives);
  EXPECT_EQ(o->endpoint, "http://0.0.0.0:9100");
  EXPECT_EQ(o->access_key, "ops");
  EXPECT_EQ(o->secret_key, "s3cr3t");
}

TEST(AdminOptions, FlagsBeatTheEnvironment) {
  auto o = Parse({"--endpoint", "10.0.0.5:9000", "scrub", "--bucket=photos", "--now",
                  "--access-key=a", "--secret-key", "b"},
                 Env({{"CAIRN_LISTEN", "x:1"}, {"CAIRN_ROOT_ACCESS_KEY", "env"}}));
  ASSERT_TRUE(o.ok()) << o.status().ToString();
  EXPECT_EQ(o->endpoint, "http://10.0.0.5:9000");
  EXPECT_EQ(o->bucket, "photos");
  EXPECT_TRUE(o->now);
  EXPECT_EQ(o->access_key, "a");
  EXPECT_EQ(o->secret_key, "b");
  EXPECT_EQ(Parse({"repair", "--endpoint", "http://h:1"})->endpoint, "http://h:1");
}

TEST(AdminOptions, DriveReplace) {
  auto o = Parse({"drive", "replace", "node1-d3", "--now"});
  ASSERT_TRUE(o.ok());
  EXPECT_EQ(o->command, AdminCommand::kDriveReplace);
  EXPECT_EQ(o->drive_id, "node1-d3");
  EXPECT_TRUE(o->now);
  EXPECT_FALSE(Parse({"drive", "replace"}).ok());
  EXPECT_FALSE(Parse({"drive", "remove", "d1"}).ok());
  EXPECT_FALSE(Parse({"drive"}).ok());
}

TEST(AdminOptions, Help) {
  EXPECT_EQ(Parse({})->command, AdminCommand::kHelp);
  EXPECT_EQ(Parse({"help"})->command, AdminCommand::kHelp);
  EXPECT_EQ(Parse({"scrub", "--help"})->command, AdminCommand::kHelp);
  EXPECT_NE(AdminUsage().find("drive replace <id>"), std::string::npos);
}

TEST(AdminOptions, Refusals) {
  EXPECT_FALSE(Parse({"frobnicate"}).ok());
  EXPECT_FALSE(Parse({"scrub", "extra"}).ok());
  EXPECT_FALSE(Parse({"drives", "--now"}).ok());
  EXPECT_FALSE(Parse({"repair", "--bucket", "b"}).ok());
  EXPECT_FALSE(Parse({"scrub", "--bucket"}).ok());
  EXPECT_FALSE(Parse({"scrub", "--endpoint"}).ok());
  EXPECT_FALSE(Parse({"scrub", "--frob"}).ok());
}

TEST(AdminOptions, ErrorsNeverEchoTheSecret) {
  for (auto args :
       std::vector<std::vector<std::string>>{{"scrub", "--secret=hunter2-top"},
                                             {"scrub", "--secret-key", "hunter2-top", "bogus"},
                                             {"--secret-key=hunter2-top", "drives", "--now"}}) {
    auto o = Parse(args);
    ASSERT_FALSE(o.ok());
    EXPECT_EQ(o.status().message().find("hunter2"), std::string::npos) << o.status().message();
  }
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

TEST(AdminOptions, ClusterCommands) {
  auto status = ParseAdminArgs({"cluster", "status"}, Env());
  ASSERT_TRUE(status.ok());
  EXPECT_EQ(status->command, AdminCommand::kClusterStatus);

  auto add = ParseAdminArgs({"cluster", "add-node", "10.0.0.5:9100", "--weight", "2"}, Env());
  ASSERT_TRUE(add.ok()) << add.status().ToString();
  EXPECT_EQ(add->command, AdminCommand::kAddNode);
  EXPECT_EQ(add->node_url, "http://10.0.0.5:9100");
  EXPECT_EQ(add->weight, "2");

  auto drain = ParseAdminArgs({"cluster", "drain-node", "node-b2"}, Env());
  ASSERT_TRUE(drain.ok());
  EXPECT_EQ(drain->command, AdminCommand::kDrainNode);
  EXPECT_EQ(drain->node, "node-b2");

  auto remove = ParseAdminArgs({"cluster", "remove-node", "node-b2", "--force"}, Env());
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(remove->command, AdminCommand::kRemoveNode);
  EXPECT_TRUE(remove->force);

  auto undrain = ParseAdminArgs({"cluster", "undrain-node", "node-b2"}, Env());
  ASSERT_TRUE(undrain.ok());
  EXPECT_EQ(undrain->command, AdminCommand::kUndrainNode);
  auto weight = ParseAdminArgs({"cluster", "set-weight", "node-b2", "3"}, Env());
  ASSERT_TRUE(weight.ok());
  EXPECT_EQ(weight->command, AdminCommand::kSetWeight);
  EXPECT_EQ(weight->weight, "3");

  auto rebalance = ParseAdminArgs({"cluster", "rebalance"}, Env());
  ASSERT_TRUE(rebalance.ok());
  EXPECT_EQ(rebalance->command, AdminCommand::kRebalance);
}

TEST(AdminOptions, ClusterMistakes) {
  auto message = [](std::vector<std::string> args) {
    auto o = ParseAdminArgs(args, Env());
    EXPECT_FALSE(o.ok());
    return o.status().message();
  };
  EXPECT_NE(message({"cluster"}).find("usage: cairn admin cluster"), std::string::npos);
  EXPECT_NE(message({"cluster", "grow"}).find("usage: cairn admin cluster"), std::string::npos);
  EXPECT_NE(message({"cluster", "add-node"}).find("URL"), std::string::npos);
  EXPECT_NE(message({"cluster", "drain-node"}).find("name"), std::string::npos);
  EXPECT_NE(message({"cluster", "set-weight", "n"}).find("weight"), std::string::npos);
  EXPECT_NE(message({"cluster", "drain-node", "n", "--force"}).find("--force"), std::string::npos);
  EXPECT_NE(message({"cluster", "status", "--weight", "2"}).find("--weight"), std::string::npos);
  EXPECT_NE(message({"cluster", "status", "extra"}).find("unexpected argument"), std::string::npos);
}

TEST(AdminOptions, ClusterFlagsAndUrls) {
  auto add = ParseAdminArgs({"cluster", "add-node", "--weight=2.5", "https://n5:9100"}, Env());
  ASSERT_TRUE(add.ok()) << add.status().ToString();
  EXPECT_EQ(add->node_url, "https://n5:9100") << "a scheme given is kept";
  EXPECT_EQ(add->weight, "2.5");
  auto plain = ParseAdminArgs({"cluster", "add-node", "n5:9100"}, Env());
  ASSERT_TRUE(plain.ok());
  EXPECT_EQ(plain->weight, "") << "no --weight: the server's default";
  auto remove = ParseAdminArgs({"cluster", "remove-node", "node-b2"}, Env());
  ASSERT_TRUE(remove.ok());
  EXPECT_EQ(remove->node, "node-b2");
  EXPECT_FALSE(remove->force);
  auto forced = ParseAdminArgs({"--force", "cluster", "remove-node", "node-b2"}, Env());
  ASSERT_TRUE(forced.ok()) << "flags may come first";
  EXPECT_TRUE(forced->force);
}

TEST(AdminOptions, MoreClusterMistakes) {
  auto message = [](std::vector<std::string> args) {
    auto o = ParseAdminArgs(args, Env());
    EXPECT_FALSE(o.ok());
    return o.ok() ? std::string() : o.status().message();
  };
  EXPECT_NE(message({"cluster", "remove-node"}).find("name"), std::string::npos);
  EXPECT_NE(message({"cluster", "add-node", ""}).find("URL"), std::string::npos);
  EXPECT_NE(message({"cluster", "add-node", "h:1", "--weight"}).find("--weight needs a value"),
            std::string::npos);
  EXPECT_NE(message({"cluster", "add-node", "h:1", "--force"}).find("--force"), std::string::npos);
  EXPECT_NE(message({"cluster", "remove-node", "n", "--weight", "2"}).find("--weight"),
            std::string::npos);
  EXPECT_NE(message({"cluster", "add-node", "h:1", "h:2"}).find("unexpected argument 'h:2'"),
            std::string::npos);
  EXPECT_NE(message({"cluster", "drain-node", "a", "b"}).find("unexpected argument 'b'"),
            std::string::npos);
  EXPECT_NE(message({"cluster", "status", "--now"}).find("--now"), std::string::npos);
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

TEST(AdminOptions, Lifecycle) {
  auto status = Parse({"lifecycle", "status"});
  ASSERT_TRUE(status.ok()) << status.status().ToString();
  EXPECT_EQ(status->command, AdminCommand::kLifecycleStatus);
  EXPECT_EQ(status->at_ms, -1);
  auto run = Parse({"lifecycle", "run", "--now", "--at", "2027-01-31T00:00:00Z"});
  ASSERT_TRUE(run.ok()) << run.status().ToString();
  EXPECT_EQ(run->command, AdminCommand::kLifecycleRun);
  EXPECT_EQ(run->at_ms, 1801353600000);
  EXPECT_EQ(Parse({"lifecycle", "run", "--now", "--at=1801353600"})->at_ms, 1801353600000);
  EXPECT_FALSE(Parse({"lifecycle", "run"}).ok());  // --now is required
  EXPECT_FALSE(Parse({"lifecycle", "run", "--now", "--at", "tomorrow"}).ok());
  EXPECT_FALSE(Parse({"lifecycle", "status", "--at", "1"}).ok());
  EXPECT_FALSE(Parse({"scrub", "--at", "1"}).ok());
  EXPECT_FALSE(Parse({"lifecycle", "expire"}).ok());
}

}  // namespace
}  // namespace cairn::admin_cli
