#include "admin_cli/admin_json.h"

#include <gtest/gtest.h>

#include <string>

#include "cluster/rebalancer.h"

namespace cairn::admin_cli {
namespace {

TEST(AdminJson, ScrubStatus) {
  auto s = ParseScrubStatus(R"({"running": true, "bucket": "photos", "objects_total": 10,
      "objects_checked": 4, "shards_checked": 36, "shards_repaired": 2, "orphans_removed": 1,
      "bytes_verified": 123456789012, "unrecoverable": ["photos/a b.jpg", "photos/c"],
      "errors": ["drive d3: I/O error"], "started_ms": 1700000000000, "finished_ms": 0})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->running);
  EXPECT_EQ(s->bucket, "photos");
  EXPECT_EQ(s->objects_total, 10);
  EXPECT_EQ(s->objects_checked, 4);
  EXPECT_EQ(s->shards_checked, 36);
  EXPECT_EQ(s->shards_repaired, 2);
  EXPECT_EQ(s->orphans_removed, 1);
  EXPECT_EQ(s->bytes_verified, 123456789012);
  EXPECT_EQ(s->unrecoverable, (std::vector<std::string>{"photos/a b.jpg", "photos/c"}));
  EXPECT_EQ(s->errors, (std::vector<std::string>{"drive d3: I/O error"}));
  EXPECT_EQ(s->started_ms, 1700000000000);
  EXPECT_EQ(s->finished_ms, 0);
}

TEST(AdminJson, MissingFieldsAreZero) {
  auto s = ParseScrubStatus(R"({"running": false})");
  ASSERT_TRUE(s.ok());
  EXPECT_FALSE(s->running);
  EXPECT_EQ(s->objects_checked, 0);
  EXPECT_TRUE(s->unrecoverable.empty());
  EXPECT_TRUE(ParseScrubStatus(R"({"unrecoverable": null})").ok());
}

TEST(AdminJson, MalformedIsAnErrorNotACrash) {
  for (const char* bad :
       {"", "not json", "[1,2]", R"({"running": "yes"})", R"({"objects_checked": "many"})",
        R"({"unrecoverable": 5})", R"({"running": true)"}) {
    auto s = ParseScrubStatus(bad);
    EXPECT_FALSE(s.ok()) << bad;
    EXPECT_EQ(s.status().code(), CAIRN_CORRUPTION) << bad;
  }
  EXPECT_FALSE(ParseDrives(R"({"drives": 3})").ok());
  EXPECT_FALSE(ParseDrives(R"({"drives": [1]})").ok());
  EXPECT_FALSE(ParseDrives(R"({})").ok());
  EXPECT_FALSE(ParseRepairQueued(R"({})").ok());
}

TEST(AdminJson, Drives) {
  auto d = ParseDrives(R"({"drives": [
      {"id": "n1-d0", "node": "n1", "zone": "z1", "path": "/data/d0", "healthy": true,
       "total_bytes": 1000, "free_bytes": 250},
      {"id": 7, "node": "n2", "zone": "z2", "path": "/data/d7", "healthy": false,
       "total_bytes": 0, "free_bytes": 0}]})");
  ASSERT_TRUE(d.ok()) << d.status().ToString();
  ASSERT_EQ(d->size(), 2u);
  EXPECT_EQ((*d)[0].id, "n1-d0");
  EXPECT_EQ((*d)[0].path, "/data/d0");
  EXPECT_TRUE((*d)[0].healthy);
  EXPECT_EQ((*d)[0].free_bytes, 250);
  EXPECT_EQ((*d)[1].id, "7");
  EXPECT_FALSE((*d)[1].healthy);
  EXPECT_TRUE(ParseDrives(R"({"drives": []})")->empty());
}

TEST(AdminJson, RepairAndErrors) {
  EXPECT_EQ(ParseRepairQueued(R"({"queued": 12})").value(), 12);
  EXPECT_EQ(ParseErrorMessage(R"({"error": "a scrub is already running"})"),
            "a scrub is already running");
  EXPECT_EQ(ParseErrorMessage("<Error/>"), "");
  EXPECT_EQ(ParseErrorMessage(R"({"other": 1})"), "");
}

}  // namespace
}  // namespace cairn::admin_cli

namespace cairn::admin_cli {
namespace {

TEST(AdminJson, ClusterStatus) {
  auto s = ParseClusterStatus(R"({"clustered": true, "nodes": [
      {"name": "node-a0", "url": "http://h:1", "zone": "zone-a", "weight": 2.5,
       "state": "draining", "drives": [{"id": "d1", "healthy": true, "total_bytes": 100,
                                        "free_bytes": 40}]}],
      "rebalance": {"state": "running", "gateway": "gw", "records_total": 10,
                    "records_checked": 4, "shards_moved": 3, "bytes_moved": 3000,
                    "started_ms": 5}})");
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_TRUE(s->clustered);
  ASSERT_EQ(s->nodes.size(), 1u);
  EXPECT_EQ(s->nodes[0].state, "draining");
  EXPECT_DOUBLE_EQ(s->nodes[0].weight, 2.5);
  ASSERT_EQ(s->nodes[0].drives.size(), 1u);
  EXPECT_EQ(s->nodes[0].drives[0].node, "node-a0");
  EXPECT_EQ(s->nodes[0].drives[0].free_bytes, 40);
  EXPECT_EQ(s->rebalance.state, "running");
  EXPECT_EQ(s->rebalance.records_checked, 4);
  EXPECT_EQ(s->rebalance.bytes_moved, 3000);
  EXPECT_FALSE(ParseClusterStatus(R"({"clustered": true})").ok());
  EXPECT_FALSE(ParseClusterStatus(R"({"nodes": [1]})").ok());
}

// The reply exactly as the server writes it (cluster_admin.cpp NodeJson, rebalancer ToJson):
// no spaces, every field, including ones the CLI does not show.
TEST(AdminJson, ClusterStatusAsTheServerWritesIt) {
  RebalanceProgress p;
  p.state = "idle";
  p.detail = "";
  p.gateway = "gateway-12-abc";
  p.expires_ms = 1700000009000;
  p.records_total = 7;
  p.records_checked = 7;
  p.shards_misplaced = 4;
  p.shards_moved = 3;
  p.bytes_moved = 12582912;
  p.errors = 1;
  p.started_ms = 1700000000000;
  p.finished_ms = 1700000008000;
  const std::string json =
      R"({"clustered":true,"nodes":[)"
      R"({"name":"node-a0","url":"http://10.0.0.1:9100","zone":"zone-a","weight":1,)"
      R"("state":"active","drives":[{"id":"a0-d0","healthy":true,"total_bytes":1000,)"
      R"("free_bytes":600},{"id":"a0-d1","healthy":false,"total_bytes":0,"free_bytes":0}]},)"
      R"({"name":"node-b0","url":"http://10.0.0.2:9100","zone":"zone-b","weight":0.5,)"
      R"("state":"draining","drives":[]}],"rebalance":)" +
      ToJson(p) + "}";
  auto s = ParseClusterStatus(json);
  ASSERT_TRUE(s.ok()) << s.status().ToString() << "\n" << json;
  EXPECT_TRUE(s->clustered);
  ASSERT_EQ(s->nodes.size(), 2u);
  const ClusterNode& a = s->nodes[0];
  EXPECT_EQ(a.name, "node-a0");
  EXPECT_EQ(a.url, "http://10.0.0.1:9100");
  EXPECT_EQ(a.zone, "zone-a");
  EXPECT_DOUBLE_EQ(a.weight, 1.0);
  EXPECT_EQ(a.state, "active");
  ASSERT_EQ(a.drives.size(), 2u);
  EXPECT_EQ(a.drives[0].id, "a0-d0");
  EXPECT_EQ(a.drives[0].zone, "zone-a") << "drives take their node's zone";
  EXPECT_TRUE(a.drives[0].healthy);
  EXPECT_EQ(a.drives[0].total_bytes, 1000);
  EXPECT_EQ(a.drives[0].free_bytes, 600);
  EXPECT_FALSE(a.drives[1].healthy);
  const ClusterNode& b = s->nodes[1];
  EXPECT_DOUBLE_EQ(b.weight, 0.5);
  EXPECT_EQ(b.state, "draining");
  EXPECT_TRUE(b.drives.empty());
  const RebalanceStatus& r = s->rebalance;
  EXPECT_EQ(r.state, "idle");
  EXPECT_EQ(r.gateway, "gateway-12-abc");
  EXPECT_EQ(r.records_total, 7);
  EXPECT_EQ(r.shards_misplaced, 4);
  EXPECT_EQ(r.shards_moved, 3);
  EXPECT_EQ(r.bytes_moved, 12582912);
  EXPECT_EQ(r.errors, 1);
  EXPECT_EQ(r.started_ms, 1700000000000);
  EXPECT_EQ(r.finished_ms, 1700000008000);
}

TEST(AdminJson, ClusterStatusOfLocalDrivesAndWrongTypes) {
  // Local drives: no map, no URL, and (before any pass) no rebalance member at all.
  auto local = ParseClusterStatus(
      R"({"clustered":false,"nodes":[{"name":"host1","url":"","zone":"","weight":1,)"
      R"("state":"active","drives":[{"id":"d","healthy":true,"total_bytes":1,"free_bytes":1}]}]})");
  ASSERT_TRUE(local.ok()) << local.status().ToString();
  EXPECT_FALSE(local->clustered);
  EXPECT_EQ(local->nodes[0].url, "");
  EXPECT_EQ(local->rebalance.state, "");
  EXPECT_EQ(local->rebalance.started_ms, 0);

  auto bad = [](const std::string& json) {
    auto s = ParseClusterStatus(json);
    EXPECT_FALSE(s.ok()) << json;
    if (!s.ok()) {
      EXPECT_NE(s.status().message().find("malformed reply"), std::string::npos);
    }
  };
  bad("not json");
  bad("[]");
  bad(R"({"nodes":{}})");
  bad(R"({"clustered":"yes","nodes":[]})");
  bad(R"({"nodes":[{"name":"n","weight":"heavy"}]})");
  bad(R"({"nodes":[{"name":"n","drives":[1]}]})");
  bad(R"({"nodes":[{"name":"n","drives":[{"id":"d","healthy":"yes"}]}]})");
  bad(R"({"nodes":[{"name":"n","drives":[{"id":"d","total_bytes":"1"}]}]})");
  bad(R"({"nodes":[],"rebalance":{"records_total":"many"}})");
}

}  // namespace
}  // namespace cairn::admin_cli
