// The subcommands against a scripted AdminClient: what they send, print and exit with.
#include "admin_cli/admin_commands.h"

#include <gtest/gtest.h>

#include <deque>
#include <sstream>

namespace cairn::admin_cli {
namespace {

class FakeApi : public AdminClient {
 public:
  // Replies for requests whose "METHOD target" starts with `prefix`, in order; the last one
  // repeats.
  void Script(std::string prefix, std::vector<Result<AdminReply>> replies) {
    scripts_.push_back({std::move(prefix), {replies.begin(), replies.end()}});
  }
  Result<AdminReply> Send(std::string_view method, std::string_view target) override {
    std::string line = std::string(method) + " " + std::string(target);
    sent.push_back(line);
    for (auto& [prefix, replies] : scripts_) {
      if (line.rfind(prefix, 0) != 0 || replies.empty()) continue;
      Result<AdminReply> r = replies.front();
      if (replies.size() > 1) replies.pop_front();
      return r;
    }
    return Status::Internal("unscripted request " + line);
  }
  std::vector<std::string> sent;

 private:
  std::vector<std::pair<std::string, std::deque<Result<AdminReply>>>> scripts_;
};

AdminReply Reply(int status, std::string body) { return AdminReply{status, std::move(body)}; }

std::string ScrubJson(bool running, int checked, int started_ms, std::string lost = "") {
  return "{\"running\": " + std::string(running ? "true" : "false") +
         ", \"objects_total\": 4, \"objects_checked\": " + std::to_string(checked) +
         ", \"started_ms\": " + std::to_string(started_ms) + ", \"unrecoverable\": [" + lost + "]}";
}

class AdminCommands : public ::testing::Test {
 protected:
  int Run(std::vector<std::string> args, bool tty = false) {
    auto o = ParseAdminArgs(args, [](const char*) { return std::nullopt; });
    EXPECT_TRUE(o.ok()) << o.status().ToString();
    Console console{out_, err_, tty, [this](int millis) { slept_ += millis; }};
    return RunAdminCommand(api_, o.value(), console);
  }

  FakeApi api_;
  std::ostringstream out_;
  std::ostringstream err_;
  int slept_ = 0;
};

TEST_F(AdminCommands, ScrubStartsAPass) {
  api_.Script("POST /_cairn/admin/scrub", {Reply(202, R"({"started": true})")});
  EXPECT_EQ(Run({"scrub", "--bucket", "my photos"}), kExitOk);
  EXPECT_EQ(api_.sent, (std::vector<std::string>{"POST /_cairn/admin/scrub?bucket=my%20photos"}));
  EXPECT_NE(out_.str().find("scrub pass of bucket my photos started"), std::string::npos);
}

TEST_F(AdminCommands, ScrubNowFollowsThePassToAGoodEnd) {
  api_.Script("GET /_cairn/admin/scrub",
              {Reply(200, ScrubJson(false, 9, 100)),  // the last pass, before ours
               Reply(200, ScrubJson(false, 9, 100)),  // the server has not switched yet
               Reply(200, ScrubJson(true, 1, 200)), Reply(200, ScrubJson(true, 3, 200)),
               Reply(200, ScrubJson(false, 4, 200))});
  api_.Script("POST /_cairn/admin/scrub", {Reply(202, R"({"started": true})")});
  EXPECT_EQ(Run({"scrub", "--now"}), kExitOk);
  EXPECT_EQ(api_.sent.size(), 6u);
  EXPECT_EQ(slept_, 3 * kPollMillis);
  std::string out = out_.str();
  EXPECT_NE(out.find("scrub: 1/4 objects (25%)"), std::string::npos) << out;
  EXPECT_NE(out.find("objects checked   4 of 4"), std::string::npos) << out;
  EXPECT_NE(out.find("OK:"), std::string::npos);
  EXPECT_EQ(out.find('\r'), std::string::npos);  // not a terminal: lines only
}

TEST_F(AdminCommands, ScrubNowOnATerminalDrawsABar) {
  api_.Script("GET /_cairn/admin/scrub",
              {Reply(200, ScrubJson(false, 0, 0)), Reply(200, ScrubJson(true, 2, 5)),
               Reply(200, ScrubJson(false, 4, 5))});
  api_.Script("POST /_cairn/admin/scrub", {Reply(202, "{}")});
  EXPECT_EQ(Run({"scrub", "--now"}, /*tty=*/true), kExitOk);
  EXPECT_NE(out_.str().find("\r[###############...............]  50%"), std::string::npos)
      << out_.str();
}

TEST_F(AdminCommands, ScrubNowFailsWhenObjectsAreLost) {
  api_.Script("GET /_cairn/admin/scrub", {Reply(200, ScrubJson(false, 0, 0)),
                                          Reply(200, ScrubJson(false, 4, 7, R"("b/lost-key")"))});
  api_.Script("POST /_cairn/admin/scrub", {Reply(202, "{}")});
  EXPECT_EQ(Run({"scrub", "--now"}), kExitFailed);
  EXPECT_NE(out_.str().find("    b/lost-key\n"), std::string::npos);
}

TEST_F(AdminCommands, ScrubNowFollowsARunningPass) {
  api_.Script("GET /_cairn/admin/scrub",
              {Reply(200, ScrubJson(true, 1, 50)), Reply(200, ScrubJson(false, 4, 50))});
  api_.Script("POST /_cairn/admin/scrub",
              {Reply(409, R"({"error": "a scrub is already running"})")});
  EXPECT_EQ(Run({"scrub", "--now"}), kExitOk);
  EXPECT_NE(out_.str().find("already running; following it"), std::string::npos);
}

TEST_F(AdminCommands, AConflictWithoutNowIsReported) {
  api_.Script("POST /_cairn/admin/scrub",
              {Reply(409, R"({"error": "a scrub is already running"})")});
  EXPECT_EQ(Run({"scrub"}), kExitFailed);
  EXPECT_NE(out_.str().find("already running"), std::string::npos);
}

TEST_F(AdminCommands, DriveReplaceDoesNotFollowSomeoneElsesPass) {
  api_.Script("GET /_cairn/admin/scrub", {Reply(200, ScrubJson(true, 1, 50))});
  api_.Script("POST /_cairn/admin/drives/replace",
              {Reply(409, R"({"error": "a scrub is already running"})")});
  EXPECT_EQ(Run({"drive", "replace", "n1/d 3", "--now"}), kExitFailed);
  EXPECT_EQ(api_.sent.back(), "POST /_cairn/admin/drives/replace?drive=n1%2Fd%203");
  EXPECT_NE(out_.str().find("rebuild of drive n1/d 3 did not start"), std::string::npos);
}

TEST_F(AdminCommands, DriveReplaceNow) {
  api_.Script("GET /_cairn/admin/scrub",
              {Reply(200, ScrubJson(false, 0, 1)), Reply(200, ScrubJson(false, 4, 2))});
  api_.Script("POST /_cairn/admin/drives/replace", {Reply(202, "{}")});
  EXPECT_EQ(Run({"drive", "replace", "d3", "--now"}), kExitOk);
  EXPECT_NE(out_.str().find("rebuild of drive d3 started"), std::string::npos);
}

TEST_F(AdminCommands, UnreachableServer) {
  api_.Script("GET", {Status::Unavailable("cannot reach the Cairn server at http://h:1 (x)")});
  EXPECT_EQ(Run({"drives"}), kExitError);
  EXPECT_EQ(err_.str(), "cairn admin: cannot reach the Cairn server at http://h:1 (x)\n");
}

TEST_F(AdminCommands, AccessDeniedShowsTheS3Error) {
  api_.Script("GET", {Reply(403,
                            "<?xml version=\"1.0\"?><Error><Code>AccessDenied</Code>"
                            "<Message>Only the root user may use the admin API &amp; such"
                            "</Message><RequestId>1</RequestId></Error>")});
  EXPECT_EQ(Run({"repair"}), kExitError);
  EXPECT_EQ(err_.str(),
            "cairn admin: AccessDenied: Only the root user may use the admin API & such\n");
}

TEST_F(AdminCommands, DrivesAndRepair) {
  api_.Script("GET /_cairn/admin/drives",
              {Reply(200, R"({"drives": [{"id": "d0", "node": "n1", "zone": "z",
                "healthy": true, "total_bytes": 2048, "free_bytes": 1024}]})")});
  api_.Script("GET /_cairn/admin/repair", {Reply(200, R"({"queued": 1})")});
  EXPECT_EQ(Run({"drives"}), kExitOk);
  EXPECT_NE(out_.str().find("d0  n1    z     healthy  1.00 KiB / 2.00 KiB (50%)"),
            std::string::npos)
      << out_.str();
  EXPECT_EQ(Run({"repair"}), kExitOk);
  EXPECT_NE(out_.str().find("repair queue: 1 object waiting\n"), std::string::npos);
}

TEST_F(AdminCommands, ANonsenseReplyIsAnError) {
  api_.Script("GET /_cairn/admin/repair", {Reply(200, "<html>proxy</html>")});
  EXPECT_EQ(Run({"repair"}), kExitError);
  EXPECT_NE(err_.str().find("malformed reply"), std::string::npos);
  api_.Script("GET /_cairn/admin/drives", {Reply(500, R"({"error": "meta store down"})")});
  EXPECT_EQ(Run({"drives"}), kExitError);
  EXPECT_NE(err_.str().find("meta store down"), std::string::npos);
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

constexpr char kClusterJson[] = R"({"clustered": true, "nodes": [{"name": "n1", "url": "http://h:1",
    "zone": "z", "weight": 1, "state": "active", "drives": [{"id": "d", "healthy": true}]}],
    "rebalance": {"state": "idle"}})";

TEST_F(AdminCommands, AddNodePostsThenShowsTheCluster) {
  api_.Script("POST /_cairn/admin/cluster/add", {Reply(200, R"({"name": "n1"})")});
  api_.Script("GET /_cairn/admin/cluster", {Reply(200, kClusterJson)});
  EXPECT_EQ(Run({"cluster", "add-node", "http://h:1", "--weight", "1.5"}), kExitOk);
  ASSERT_EQ(api_.sent.size(), 2u);
  EXPECT_EQ(api_.sent[0], "POST /_cairn/admin/cluster/add?url=http%3A%2F%2Fh%3A1&weight=1.5");
  EXPECT_NE(out_.str().find("added node at http://h:1\n"), std::string::npos) << out_.str();
  EXPECT_NE(out_.str().find("1 node in 1 zone, 1 of 1 drives healthy"), std::string::npos);
}

TEST_F(AdminCommands, ARefusedClusterChangeFailsWithTheServersReason) {
  api_.Script("POST /_cairn/admin/cluster/remove",
              {Reply(409, R"({"error": "node n1 is active: drain it first"})")});
  EXPECT_EQ(Run({"cluster", "remove-node", "n1"}), kExitError);
  EXPECT_EQ(api_.sent, std::vector<std::string>{"POST /_cairn/admin/cluster/remove?node=n1"});
  EXPECT_EQ(err_.str(), "cairn admin: node n1 is active: drain it first\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(AdminCommands, AddNodeWithoutSchemeOrWeight) {
  api_.Script("POST /_cairn/admin/cluster/add", {Reply(200, R"({"name": "n1"})")});
  api_.Script("GET /_cairn/admin/cluster", {Reply(200, kClusterJson)});
  EXPECT_EQ(Run({"cluster", "add-node", "h:1"}), kExitOk);
  EXPECT_EQ(api_.sent, (std::vector<std::string>{
                           "POST /_cairn/admin/cluster/add?url=http%3A%2F%2Fh%3A1",
                           "GET /_cairn/admin/cluster"}));
  EXPECT_EQ(out_.str().rfind("added node at http://h:1\nNODE ", 0), 0u) << out_.str();
  EXPECT_EQ(err_.str(), "");
}

TEST_F(AdminCommands, ARefusedAddNodeExitsTwoWithTheReasonAndShowsNothing) {
  static_assert(kExitError == 2, "usage errors and refused requests exit 2 (see AdminUsage)");
  api_.Script("POST /_cairn/admin/cluster/add",
              {Reply(409, R"({"error": "node n1 (http://h:1) is already in the cluster"})")});
  EXPECT_EQ(Run({"cluster", "add-node", "http://h:1", "--weight", "2"}), 2);
  EXPECT_EQ(api_.sent, std::vector<std::string>{
                           "POST /_cairn/admin/cluster/add?url=http%3A%2F%2Fh%3A1&weight=2"});
  EXPECT_EQ(err_.str(), "cairn admin: node n1 (http://h:1) is already in the cluster\n");
  EXPECT_EQ(out_.str(), "");
}

TEST_F(AdminCommands, AnUnreachableNodeOrABadStatusReplyExitsTwo) {
  api_.Script("POST /_cairn/admin/cluster/add",
              {Reply(503, R"({"error": "node http://h:1 did not answer"})")});
  EXPECT_EQ(Run({"cluster", "add-node", "h:1"}), kExitError);
  EXPECT_EQ(err_.str(), "cairn admin: node http://h:1 did not answer\n");

  // The change went through but the status that follows is not readable.
  err_.str("");
  out_.str("");
  api_.Script("POST /_cairn/admin/cluster/drain", {Reply(200, R"({"name": "n1"})")});
  api_.Script("GET /_cairn/admin/cluster", {Reply(200, R"({"clustered": true})")});
  EXPECT_EQ(Run({"cluster", "drain-node", "n1"}), kExitError);
  EXPECT_EQ(out_.str().rfind("draining node n1", 0), 0u) << out_.str();
  EXPECT_NE(err_.str().find("malformed reply"), std::string::npos) << err_.str();
}

TEST_F(AdminCommands, EachClusterChangeSendsItsTarget) {
  api_.Script("POST /_cairn/admin/cluster/", {Reply(200, "{}")});
  api_.Script("GET /_cairn/admin/cluster", {Reply(200, kClusterJson)});
  EXPECT_EQ(Run({"cluster", "drain-node", "node a"}), kExitOk);
  EXPECT_EQ(Run({"cluster", "undrain-node", "n1"}), kExitOk);
  EXPECT_EQ(Run({"cluster", "set-weight", "n1", "0.5"}), kExitOk);
  EXPECT_EQ(Run({"cluster", "remove-node", "n1", "--force"}), kExitOk);
  EXPECT_EQ(Run({"cluster", "remove-node", "n1"}), kExitOk);
  EXPECT_EQ(Run({"cluster", "status"}), kExitOk);
  EXPECT_EQ(api_.sent, (std::vector<std::string>{
                           "POST /_cairn/admin/cluster/drain?node=node%20a",
                           "GET /_cairn/admin/cluster",
                           "POST /_cairn/admin/cluster/undrain?node=n1",
                           "GET /_cairn/admin/cluster",
                           "POST /_cairn/admin/cluster/weight?node=n1&weight=0.5",
                           "GET /_cairn/admin/cluster",
                           "POST /_cairn/admin/cluster/remove?node=n1&force=true",
                           "GET /_cairn/admin/cluster",
                           "POST /_cairn/admin/cluster/remove?node=n1",
                           "GET /_cairn/admin/cluster",
                           "GET /_cairn/admin/cluster"}));
  EXPECT_EQ(err_.str(), "");
}

}  // namespace
}  // namespace cairn::admin_cli
