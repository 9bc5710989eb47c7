#include "admin_cli/admin_format.h"

#include <gtest/gtest.h>

namespace cairn::admin_cli {
namespace {

ScrubStatus Finished() {
  ScrubStatus s;
  s.objects_total = 2742;
  s.objects_checked = 2742;
  s.shards_checked = 24678;
  s.shards_repaired = 3;
  s.orphans_removed = 1;
  s.bytes_verified = 1288490189;
  s.started_ms = 1700000000000;
  s.finished_ms = 1700000012300;
  return s;
}

TEST(AdminFormat, HumanBytes) {
  EXPECT_EQ(HumanBytes(0), "0 B");
  EXPECT_EQ(HumanBytes(1023), "1023 B");
  EXPECT_EQ(HumanBytes(1536), "1.50 KiB");
  EXPECT_EQ(HumanBytes(1288490189), "1.20 GiB");
  EXPECT_EQ(HumanBytes(50LL << 30), "50.0 GiB");
  EXPECT_EQ(HumanBytes(500LL << 40), "500 TiB");
}

TEST(AdminFormat, ProgressBar) {
  ScrubStatus s = Finished();
  s.running = true;
  s.objects_checked = 1234;
  EXPECT_EQ(ProgressBar(s, 20),
            "[#########...........]  45%  1234/2742 objects  3 repaired  1.20 GiB");
  s.objects_checked = 0;
  EXPECT_EQ(ProgressBar(s, 10).substr(0, 12), "[..........]");
  s.objects_checked = s.objects_total + 5;  // objects written during the pass
  EXPECT_EQ(ProgressBar(s, 10).substr(0, 18), "[##########] 100% ");
  s.objects_total = 0;  // still counting
  s.objects_checked = 17;
  s.unrecoverable = {"b/k"};
  EXPECT_EQ(ProgressBar(s, 10), "scrubbing: 17 objects  3 repaired  1.20 GiB  1 LOST");
}

TEST(AdminFormat, ProgressLine) {
  ScrubStatus s = Finished();
  s.objects_checked = 1234;
  EXPECT_EQ(ProgressLine(s),
            "scrub: 1234/2742 objects (45%), 3 shards repaired, 1.20 GiB verified");
  s.objects_total = 0;
  s.shards_repaired = 1;
  EXPECT_EQ(ProgressLine(s), "scrub: 1234 objects, 1 shard repaired, 1.20 GiB verified");
}

TEST(AdminFormat, SummaryOfACleanPass) {
  ScrubStatus s = Finished();
  EXPECT_TRUE(ScrubSucceeded(s));
  EXPECT_EQ(ScrubSummary(s),
            "scrub pass finished (all buckets) in 12.3 s\n"
            "  objects checked   2742 of 2742\n"
            "  shards checked    24678\n"
            "  shards repaired   3\n"
            "  orphans removed   1\n"
            "  bytes verified    1.20 GiB (1288490189 bytes)\n"
            "  unrecoverable     0\n"
            "OK: every object checked is intact\n");
}

TEST(AdminFormat, SummaryNamesWhatWasLost) {
  ScrubStatus s = Finished();
  s.bucket = "photos";
  s.unrecoverable = {"photos/2019/a.jpg", "photos/b.jpg"};
  EXPECT_FALSE(ScrubSucceeded(s));
  std::string text = ScrubSummary(s);
  EXPECT_NE(text.find("(bucket photos)"), std::string::npos);
  EXPECT_NE(text.find("  unrecoverable     2\n    photos/2019/a.jpg\n    photos/b.jpg\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find("FAILED: 2 objects could not be repaired"), std::string::npos);

  ScrubStatus e = Finished();
  e.errors = {"drive d4 unreadable"};
  EXPECT_FALSE(ScrubSucceeded(e));
  EXPECT_NE(ScrubSummary(e).find("  errors            1\n    drive d4 unreadable\n"),
            std::string::npos);
  EXPECT_NE(ScrubSummary(e).find("FAILED: the pass reported errors"), std::string::npos);
}

TEST(AdminFormat, DrivesTable) {
  std::vector<DriveInfo> drives = {
      {"node1-d0", "node1", "zone-a", "/data/d0", true, 100LL << 30, 75LL << 30},
      {"node2-d11", "node2", "", "/data/d11", false, 0, 0},
  };
  EXPECT_EQ(DrivesTable(drives),
            "ID         NODE   ZONE    HEALTH   USED / TOTAL\n"
            "node1-d0   node1  zone-a  healthy  25.0 GiB / 100 GiB (25%)\n"
            "node2-d11  node2  -       FAILED   0 B / 0 B\n"
            "2 drives, 1 healthy\n");
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

ClusterStatus TwoNodes() {
  ClusterStatus s;
  s.clustered = true;
  ClusterNode a{"node-a0", "http://10.0.0.1:9100", "zone-a", 1, "active", {}};
  a.drives = {{"d1", "node-a0", "zone-a", "", true, 1LL << 30, 1LL << 29},
              {"d2", "node-a0", "zone-a", "", false, 1LL << 30, 1LL << 29}};
  ClusterNode b{"node-b0", "http://10.0.0.2:9100", "zone-b", 2, "draining", {}};
  b.drives = {{"d3", "node-b0", "zone-b", "", true, 2LL << 30, 2LL << 30}};
  s.nodes = {a, b};
  return s;
}

TEST(AdminFormat, ClusterTable) {
  ClusterStatus s = TwoNodes();
  s.rebalance.state = "idle";
  s.rebalance.started_ms = 1;
  s.rebalance.finished_ms = 2;
  s.rebalance.shards_misplaced = 5;
  s.rebalance.shards_moved = 5;
  s.rebalance.bytes_moved = 5 << 20;
  EXPECT_EQ(ClusterTable(s),
            "NODE     ZONE    STATE     HEALTH    DRIVES  WEIGHT  USED / TOTAL               URL\n"
            "node-a0  zone-a  active    DEGRADED  1/2     1       1.00 GiB / 2.00 GiB (50%)  "
            "http://10.0.0.1:9100\n"
            "node-b0  zone-b  draining  healthy   1/1     2       0 B / 2.00 GiB (0%)        "
            "http://10.0.0.2:9100\n"
            "2 nodes in 2 zones, 2 of 3 drives healthy\n"
            "rebalance: idle; last pass 5 of 5 misplaced shards moved (5.00 MiB), 0 errors\n");
}

TEST(AdminFormat, ClusterRebalanceStates) {
  ClusterStatus s = TwoNodes();
  auto last = [&] {
    std::string t = ClusterTable(s);
    t.pop_back();
    return t.substr(t.rfind('\n') + 1);
  };
  EXPECT_EQ(last(), "rebalance: no pass has run yet");
  s.rebalance.state = "waiting";
  s.rebalance.detail = "1 drive(s) unhealthy; repair comes first";
  EXPECT_EQ(last(), "rebalance: waiting: 1 drive(s) unhealthy; repair comes first");
  s.rebalance = {};
  s.rebalance.state = "running";
  s.rebalance.gateway = "gateway-1";
  s.rebalance.records_total = 200;
  s.rebalance.records_checked = 50;
  s.rebalance.shards_misplaced = 12;
  s.rebalance.shards_moved = 10;
  s.rebalance.errors = 1;
  EXPECT_EQ(last(),
            "rebalance: running on gateway-1: 50/200 records checked (25%), 10 of 12 misplaced "
            "shards moved (0 B), 1 error");
  s.clustered = false;
  EXPECT_EQ(last(), "local drives only: no cluster map (transport local)");
}

TEST(AdminFormat, ClusterTableUnreachableAndDownNodes) {
  ClusterStatus s;
  s.clustered = true;
  ClusterNode gone{"node-c0", "http://10.0.0.3:9100", "", 2.5, "active", {}};
  ClusterNode down{"node-d0", "http://10.0.0.4:9100", "zone-d", 1, "draining", {}};
  down.drives = {{"d9", "node-d0", "zone-d", "", false, 0, 0}};
  s.nodes = {gone, down};
  s.rebalance.state = "idle";  // what the server says before the first pass
  EXPECT_EQ(ClusterTable(s),
            "NODE     ZONE    STATE     HEALTH       DRIVES  WEIGHT  USED / TOTAL  URL\n"
            "node-c0  -       active    UNREACHABLE  0/0     2.5     0 B / 0 B     "
            "http://10.0.0.3:9100\n"
            "node-d0  zone-d  draining  DOWN         0/1     1       0 B / 0 B     "
            "http://10.0.0.4:9100\n"
            "2 nodes in 2 zones, 0 of 1 drives healthy\n"
            "rebalance: no pass has run yet\n");
}

TEST(AdminFormat, ClusterTableIdleWithDetailAndOneNode) {
  ClusterStatus s;
  s.clustered = true;
  ClusterNode a{"node-a0", "http://10.0.0.1:9100", "zone-a", 1, "active", {}};
  a.drives = {{"d1", "node-a0", "zone-a", "", true, 1LL << 30, 1LL << 30}};
  s.nodes = {a};
  s.rebalance.state = "idle";
  s.rebalance.started_ms = 10;
  s.rebalance.finished_ms = 20;
  s.rebalance.shards_misplaced = 2;
  s.rebalance.shards_moved = 1;
  s.rebalance.errors = 1;
  s.rebalance.detail = "d7: I/O error";
  const std::string t = ClusterTable(s);
  EXPECT_NE(t.find("1 node in 1 zone, 1 of 1 drives healthy\n"), std::string::npos) << t;
  EXPECT_NE(t.find("rebalance: idle; last pass 1 of 2 misplaced shards moved (0 B), 1 error; "
                   "d7: I/O error\n"),
            std::string::npos)
      << t;
}

}  // namespace
}  // namespace cairn::admin_cli
